import { gunzipSync, gzipSync } from 'node:zlib';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { classifyTable, kpiMarts } from '#src/governance/access/access-policy.ts';
import {
  type CatalogRelation,
  loadRelationCatalog,
  type RelationCatalog,
} from '#src/governance/access/relation-catalog.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';
import { type LandingStream, landingStreams } from '#src/landing/landing-schemas.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { type HeldSet, keepHeldRecords, referencesHeld, resolveLegalHolds, sqlList } from './legal-holds.ts';
import { monthsBefore, partitionEnd } from './retention-window.ts';

export interface RunRetentionOptions {
  readonly config: WarehouseConfig;
  readonly store: ObjectStore;
  readonly engine: QueryEngine;
  readonly audit?: AuditLog;
  /** The clock retention measures ages against. */
  readonly now?: Date;
  /** List and count only; delete nothing. */
  readonly dryRun?: boolean;
  readonly runId?: string;
  /** HMAC key, to recognise held customers by e-mail inside raw API payloads. */
  readonly hmacKey?: string;
  /** Stores of published files other than the lake's `published/` prefix (the local publish folder). */
  readonly publishedStores?: readonly ObjectStore[];
  readonly catalog?: RelationCatalog;
  readonly schema?: string;
  readonly onProgress?: (line: string) => void;
}

export type RetentionLayer = 'raw' | 'quarantine' | 'landing' | 'published' | 'curated';

export interface RetentionItem {
  readonly layer: RetentionLayer;
  /** `raw/zendesk/tickets`, `landing_zendesk__tickets`, `fct_tickets`, … */
  readonly target: string;
  readonly windowMonths: number;
  /** Data older than this is past its window. */
  readonly cutoff: string;
  readonly unit: 'objects' | 'rows';
  /** Objects or rows deleted (or that would be, on a dry run). */
  readonly deleted: number;
  /** Objects rewritten to keep only their held records. */
  readonly rewritten: number;
  /** Objects or rows past the window kept because a legal hold covers them. */
  readonly keptForHold: number;
  /** Records removed from rewritten objects. */
  readonly recordsRemoved: number;
}

export interface RetentionReport {
  readonly dryRun: boolean;
  readonly now: string;
  readonly items: readonly RetentionItem[];
  /** Aggregated marts and tables kept whatever their age. */
  readonly keptTables: readonly string[];
  /** Curated tables retention could not judge (no date column). */
  readonly skipped: readonly { readonly table: string; readonly reason: string }[];
  readonly totals: {
    readonly deleted: number;
    readonly rewritten: number;
    readonly keptForHold: number;
    readonly rowsDeleted: number;
    readonly objectsDeleted: number;
  };
}

/**
 * Columns a curated table's age is judged by, in order of preference. `updated_at` marks a
 * current-state table (personal data of a user or contact): its row goes once it is past the window
 * and its customer has no retained fact left.
 */
const ACTIVITY_COLUMNS = ['created_at', 'created_date', 'submitted_at', 'occurred_at', 'rated_at'];
const DATE_COLUMNS = [
  'valid_to',
  'created_at',
  'created_date',
  'submitted_at',
  'occurred_at',
  'rated_at',
  'updated_at',
];

/**
 * Apply the retention windows: list, then delete, what is past its window in every layer, except
 * what a legal hold covers. Raw, quarantine and landing objects are judged by their `dt=`
 * partition; an expired object holding held records is rewritten to keep only those records.
 * Curated rows are deleted by their created date (history rows by `valid_to`). Published files are
 * derived copies: deleted past their window (the held data survives in curated, landing and raw).
 * Aggregated KPI marts are kept. Every step is audited with its counts.
 */
export async function runRetention(options: RunRetentionOptions): Promise<RetentionReport> {
  const { config, store, engine } = options;
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const windows = config.governance.retention;
  const progress = options.onProgress ?? (() => {});
  const catalog = options.catalog ?? (await loadRelationCatalog(engine, { schema: options.schema }));
  const held = await resolveLegalHolds({ config, engine, catalog, hmacKey: options.hmacKey });
  progress(
    `retention ${dryRun ? '(dry run) ' : ''}at ${now.toISOString()}: ${held.ticketIds.size} held tickets, ${held.customerKeys.size} held customers`,
  );
  const keep = new Set([...kpiMarts, ...windows.keep]);
  const items: RetentionItem[] = [];
  const skipped: { table: string; reason: string }[] = [];
  const keptTables: string[] = [];

  const streamWindow = (table: string, stream?: LandingStream) =>
    windows.tables[table] ?? (stream?.retention === 'text' ? windows.textMonths : windows.factsMonths);

  // Object layers: raw payloads and quarantine at the raw window, landing by its stream's class.
  const objectLayers: { layer: RetentionLayer; store: ObjectStore; prefix: string; depth: number }[] = [
    { layer: 'raw', store, prefix: 'raw/', depth: 2 },
    { layer: 'quarantine', store, prefix: 'quarantine/', depth: 2 },
    { layer: 'landing', store, prefix: 'landing/', depth: 2 },
    { layer: 'published', store, prefix: 'published/', depth: 1 },
    ...(options.publishedStores ?? []).map((s) => ({
      layer: 'published' as const,
      store: s,
      prefix: '',
      depth: 1,
    })),
  ];
  for (const { layer, store: layerStore, prefix, depth } of objectLayers) {
    const groups = new Map<string, string[]>();
    for await (const object of layerStore.list(prefix)) {
      const rest = object.key.slice(prefix.length).split('/');
      if (rest.length <= depth) continue;
      const group = prefix + rest.slice(0, depth).join('/');
      groups.set(group, [...(groups.get(group) ?? []), object.key]);
    }
    for (const [group, keys] of groups) {
      const parts = group.slice(prefix.length).split('/');
      let windowMonths: number;
      if (layer === 'raw' || layer === 'quarantine') windowMonths = windows.rawMonths;
      else if (layer === 'landing') {
        const table = `landing_${parts[0]}__${parts[1]}`;
        const stream = Object.values(landingStreams as Record<string, LandingStream>).find(
          (s) => s.source === parts[0] && s.stream === parts[1],
        );
        windowMonths = streamWindow(table, stream);
      } else {
        const table = parts[0] ?? '';
        if (keep.has(table) || classifyTable(table).class === 'kpi_mart') {
          keptTables.push(`published ${group}`);
          continue;
        }
        windowMonths = windows.tables[table] ?? windows.factsMonths;
      }
      const cutoff = monthsBefore(now, windowMonths);
      const item = await expireObjects({
        layer,
        store: layerStore,
        target: group,
        keys,
        cutoff,
        windowMonths,
        held: layer === 'published' ? undefined : held,
        dryRun,
      });
      if (item.deleted + item.rewritten + item.keptForHold > 0) {
        items.push(item);
        progress(formatItem(item, dryRun));
      }
    }
  }

  // Curated tables in the engine: facts and history first, then current-state tables (judged by
  // updated_at), whose rows stay while their customer still has a retained fact.
  const relations = [...catalog.values()].sort((a, b) => a.name.localeCompare(b.name));
  const isStateTable = (r: CatalogRelation) =>
    DATE_COLUMNS.find((c) => r.columns.includes(c)) === 'updated_at';
  const windowOf = (relation: CatalogRelation) => {
    const hasText = [...classifyTable(relation.name, relation.columns).sensitive.values()].includes('text');
    return windows.tables[relation.name] ?? (hasText ? windows.textMonths : windows.factsMonths);
  };
  // Customers with a fact that survives this run (evaluated before anything is deleted, so a dry
  // run plans exactly what the real run does).
  const retainedCustomers = relations
    .filter((r) => r.kind === 'table' && r.columns.includes('customer_key'))
    .filter((r) => ACTIVITY_COLUMNS.includes(DATE_COLUMNS.find((c) => r.columns.includes(c)) ?? ''))
    .filter((r) => !['kpi_mart', 'seed', 'operational'].includes(classifyTable(r.name).class))
    .map((r) => {
      const dateColumn = DATE_COLUMNS.find((c) => r.columns.includes(c))!;
      const rule = rowRule(r, dateColumn, monthsBefore(now, windowOf(r)), held);
      return `select customer_key from ${r.name} where customer_key is not null and not (${rule.expired} and not coalesce(${rule.isHeld}, false))`;
    });
  const retainedCustomerSet =
    retainedCustomers.length > 0
      ? (
          await engine.execute(`select distinct customer_key from (${retainedCustomers.join(' union ')}) r`)
        ).rows.map((row) => String(row.customer_key))
      : [];
  for (const relation of [...relations.filter((r) => !isStateTable(r)), ...relations.filter(isStateTable)]) {
    if (relation.kind !== 'table') continue;
    const classification = classifyTable(relation.name, relation.columns);
    if (keep.has(relation.name) || ['kpi_mart', 'seed', 'operational'].includes(classification.class)) {
      keptTables.push(relation.name);
      continue;
    }
    const dateColumn = DATE_COLUMNS.find((c) => relation.columns.includes(c));
    if (!dateColumn) {
      skipped.push({ table: relation.name, reason: `no date column (${DATE_COLUMNS.join(', ')})` });
      continue;
    }
    const windowMonths = windowOf(relation);
    const cutoff = monthsBefore(now, windowMonths);
    const item = await expireRows({
      engine,
      relation,
      dateColumn,
      cutoff,
      windowMonths,
      held,
      dryRun,
      retainedCustomers:
        dateColumn === 'updated_at' && relation.columns.includes('customer_key')
          ? retainedCustomerSet
          : undefined,
    });
    if (item.deleted + item.keptForHold > 0) {
      items.push(item);
      progress(formatItem(item, dryRun));
    }
  }

  const totals = {
    deleted: items.reduce((n, i) => n + i.deleted, 0),
    rewritten: items.reduce((n, i) => n + i.rewritten, 0),
    keptForHold: items.reduce((n, i) => n + i.keptForHold, 0),
    rowsDeleted: items.filter((i) => i.unit === 'rows').reduce((n, i) => n + i.deleted, 0),
    objectsDeleted: items.filter((i) => i.unit === 'objects').reduce((n, i) => n + i.deleted, 0),
  };
  if (options.audit) {
    const action = 'retention.delete';
    const outcome = dryRun ? 'dry_run' : 'success';
    for (const item of items) {
      await options.audit.append({
        role: 'pipeline',
        action,
        target: `${item.layer}:${item.target}`,
        outcome,
        counts: {
          [`${item.unit}_deleted`]: item.deleted,
          objects_rewritten: item.rewritten,
          records_removed: item.recordsRemoved,
          kept_for_hold: item.keptForHold,
          window_months: item.windowMonths,
        },
        details: { cutoff: item.cutoff, ...(options.runId ? { run_id: options.runId } : {}) },
      });
    }
    await options.audit.append({
      role: 'pipeline',
      action,
      target: 'all',
      outcome,
      counts: {
        rows_deleted: totals.rowsDeleted,
        objects_deleted: totals.objectsDeleted,
        objects_rewritten: totals.rewritten,
        kept_for_hold: totals.keptForHold,
        legal_holds: config.governance.legalHolds.length,
      },
      details: { now: now.toISOString(), ...(options.runId ? { run_id: options.runId } : {}) },
    });
  }
  return { dryRun, now: now.toISOString(), items, keptTables, skipped, totals };
}

async function expireObjects(input: {
  layer: RetentionLayer;
  store: ObjectStore;
  target: string;
  keys: readonly string[];
  cutoff: Date;
  windowMonths: number;
  held: HeldSet | undefined;
  dryRun: boolean;
}): Promise<RetentionItem> {
  const { store, held } = input;
  const toDelete: string[] = [];
  let rewritten = 0;
  let keptForHold = 0;
  let recordsRemoved = 0;
  const anyHeld = held && held.ticketIds.size + held.customerKeys.size + held.userIds.size > 0;
  for (const key of input.keys) {
    const end = partitionEnd(key);
    if (!end || end > input.cutoff) continue;
    if (!anyHeld || !held) {
      toDelete.push(key);
      continue;
    }
    const body = await store.get(key);
    if (!body) continue;
    const gz = key.endsWith('.gz');
    const lines = (gz ? gunzipSync(body) : Buffer.from(body)).toString('utf8').split('\n').filter(Boolean);
    const kept: string[] = [];
    let removed = 0;
    for (const line of lines) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        removed += 1; // not a record (CSV, a header): nothing in it can be held by id
        continue;
      }
      if (!referencesHeld(record, held)) {
        removed += Math.max(1, countRecords(record));
        continue;
      }
      // Landing rows are flat and kept whole; raw pages keep only their held records.
      const filtered = input.layer === 'landing' ? record : keepHeldRecords(record, held);
      kept.push(JSON.stringify(filtered));
      if (input.layer !== 'landing') removed += countRecords(record) - countRecords(filtered);
    }
    if (kept.length === 0) {
      toDelete.push(key);
      continue;
    }
    keptForHold += 1;
    if (removed > 0) {
      rewritten += 1;
      recordsRemoved += removed;
      if (!input.dryRun) {
        const text = `${kept.join('\n')}\n`;
        await store.put(key, gz ? gzipSync(text) : text, gz ? { contentEncoding: 'gzip' } : undefined);
      }
    }
  }
  if (!input.dryRun && toDelete.length > 0) await store.delete(toDelete);
  return {
    layer: input.layer,
    target: input.target,
    windowMonths: input.windowMonths,
    cutoff: input.cutoff.toISOString(),
    unit: 'objects',
    deleted: toDelete.length,
    rewritten,
    keptForHold,
    recordsRemoved,
  };
}

async function expireRows(input: {
  engine: QueryEngine;
  relation: CatalogRelation;
  dateColumn: string;
  cutoff: Date;
  windowMonths: number;
  held: HeldSet;
  dryRun: boolean;
  /** Customers whose facts survive: their current-state rows stay. */
  retainedCustomers: readonly string[] | undefined;
}): Promise<RetentionItem> {
  const { engine, relation, dateColumn, held } = input;
  const rule = rowRule(relation, dateColumn, input.cutoff, held);
  const isHeld = rule.isHeld;
  const expired =
    input.retainedCustomers && input.retainedCustomers.length > 0
      ? `${rule.expired} and (customer_key is null or customer_key not in (${sqlList(input.retainedCustomers)}))`
      : rule.expired;
  const counts = await engine.execute(
    `select count(*) filter (where not coalesce(${isHeld}, false)) as expired, count(*) filter (where coalesce(${isHeld}, false)) as held from ${relation.name} where ${expired}`,
  );
  const deleted = Number(counts.rows[0]?.expired ?? 0);
  const keptForHold = Number(counts.rows[0]?.held ?? 0);
  if (!input.dryRun && deleted > 0)
    await engine.execute(`delete from ${relation.name} where ${expired} and not coalesce(${isHeld}, false)`);
  return {
    layer: 'curated',
    target: relation.name,
    windowMonths: input.windowMonths,
    cutoff: input.cutoff.toISOString(),
    unit: 'rows',
    deleted,
    rewritten: 0,
    keptForHold,
    recordsRemoved: 0,
  };
}

function countRecords(value: unknown): number {
  if (Array.isArray(value))
    return (
      value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)).length +
      value.reduce((n: number, v) => n + (Array.isArray(v) ? countRecords(v) : 0), 0)
    );
  if (value !== null && typeof value === 'object')
    return Object.values(value).reduce((n: number, v) => n + countRecords(v), 0);
  return 0;
}

function formatItem(item: RetentionItem, dryRun: boolean): string {
  const verb = dryRun ? 'would delete' : 'deleted';
  const extra = [
    item.rewritten > 0 ? `${item.rewritten} rewritten (${item.recordsRemoved} records removed)` : '',
    item.keptForHold > 0 ? `${item.keptForHold} kept under legal hold` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `  ${item.layer.padEnd(10)} ${item.target.padEnd(44)} ${verb} ${item.deleted} ${item.unit} older than ${item.cutoff.slice(0, 10)} (${item.windowMonths} months)${extra ? `; ${extra}` : ''}`;
}

/** SQL predicates: the row is past the window (`expired`) and the row is under a legal hold (`isHeld`). */
function rowRule(
  relation: CatalogRelation,
  dateColumn: string,
  cutoff: Date,
  held: HeldSet,
): { expired: string; isHeld: string } {
  const type = relation.types.get(dateColumn) ?? '';
  const iso = cutoff.toISOString();
  const literal = type.startsWith('timestamp')
    ? `timestamp '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`
    : type === 'date'
      ? `date '${iso.slice(0, 10)}'`
      : `'${iso}'`;
  const holdTerms: string[] = [];
  const has = (c: string) => relation.columns.includes(c);
  if (has('ticket_id') && held.ticketIds.size > 0)
    holdTerms.push(`ticket_id in (${[...held.ticketIds].join(',')})`);
  if (has('customer_key') && held.customerKeys.size > 0)
    holdTerms.push(`customer_key in (${sqlList([...held.customerKeys])})`);
  for (const c of ['user_id', 'requester_id'])
    if (has(c) && held.userIds.size > 0) holdTerms.push(`${c} in (${[...held.userIds].join(',')})`);
  if (has('contact_id') && held.contactIds.size > 0)
    holdTerms.push(`cast(contact_id as varchar) in (${sqlList([...held.contactIds])})`);
  return {
    expired: `${dateColumn} < ${literal}`,
    isHeld: holdTerms.length > 0 ? `(${holdTerms.join(' or ')})` : 'false',
  };
}
