import type { QueryEngine } from '#src/engines/query-engine.ts';
import { classifyTable, kpiMarts } from '#src/governance/access/access-policy.ts';
import {
  type CatalogRelation,
  loadRelationCatalog,
  type RelationCatalog,
} from '#src/governance/access/relation-catalog.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';
import type { GovernanceConfig } from '#src/governance/governance-config.ts';
import type { LandingStream } from '#src/landing/landing-schemas.ts';
import { writeRetentionState } from '#src/models/retention-state.ts';
import { manifestKeys } from '#src/publish/publication-manifest.ts';
import { readCurrentPointer, readCurrentPublication } from '#src/publish/read-publication.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { expireLanding } from './expire-landing.ts';
import { expireRawFiles } from './expire-raw.ts';
import type { DamagedFile } from './json-lines-file.ts';
import { type HeldSet, resolveLegalHolds, sqlList } from './legal-holds.ts';
import { type MaintenanceReport, maintainTables } from './maintain-tables.ts';
import { asDate } from './record-date.ts';
import { monthsBefore, partitionEnd } from './retention-window.ts';

export interface RunRetentionOptions {
  /** The sections retention reads. */
  readonly config: { readonly governance: GovernanceConfig };
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
  /**
   * After deleting, run table maintenance on the curated tables it deleted from (Athena: OPTIMIZE
   * and VACUUM, so the rows leave the data files; DuckDB: CHECKPOINT). Default true; never on a dry run.
   */
  readonly maintenance?: boolean;
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
  /** Objects that could not be read: named, moved to `quarantine/damaged/` (or deleted when past the window), skipped. */
  readonly damaged: readonly DamagedFile[];
  /** `YYYY-MM`: KPI mart months before it are frozen (their facts are gone). */
  readonly frozenBefore: string;
  /** The maintenance run after the deletes (absent on a dry run or when turned off). */
  readonly maintenance?: MaintenanceReport;
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
/**
 * Pseudonymous dimensions every retained or future fact may refer to (the sources send a user or a
 * group again only when it changes); they hold no personal data, so they are kept.
 */
const DIMENSIONS_KEPT = new Set(['int_groups', 'dim_groups', 'dim_agents', 'int_users']);
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
  /** Lists (and prints) an item of files that retention acted on; untouched groups stay silent. */
  const reportFiles = (item: RetentionItem): void => {
    if (item.deleted + item.rewritten + item.keptForHold === 0) return;
    items.push(item);
    progress(formatItem(item, dryRun));
  };
  const skipped: { table: string; reason: string }[] = [];
  const keptTables: string[] = [];

  const streamWindow = (table: string, stream?: LandingStream) =>
    windows.tables[table] ?? (stream?.retention === 'text' ? windows.textMonths : windows.factsMonths);

  // Tickets past the facts window: landing and curated drop the same ones, with all that hangs off
  // them (so the reconcile test still holds and a full refresh brings none of them back).
  const ticketCutoff = monthsBefore(
    now,
    windows.tables.fct_tickets ?? windows.tables.landing_zendesk__tickets ?? windows.factsMonths,
  );
  const curatedExpiredTickets = new Set<number>();
  const fctTickets = catalog.get('fct_tickets');
  if (fctTickets?.kind === 'table' && fctTickets.columns.includes('created_at')) {
    const rule = rowRule(fctTickets, 'created_at', ticketCutoff, held);
    const found = await engine.execute(`select distinct ticket_id from fct_tickets where ${rule.expired}`);
    for (const row of found.rows) curatedExpiredTickets.add(Number(row.ticket_id));
  }
  const damaged: DamagedFile[] = [];

  // Raw payloads and quarantined records at the raw window, record by record.
  // Quarantine first: what this run sets aside there is reported once, not again as already set aside.
  for (const layer of ['quarantine', 'raw'] as const) {
    const groups = new Map<string, string[]>();
    for await (const object of store.list(`${layer}/`)) {
      const rest = object.key.slice(layer.length + 1).split('/');
      if (rest.length <= 2) continue;
      const group = `${layer}/${rest.slice(0, 2).join('/')}`;
      groups.set(group, [...(groups.get(group) ?? []), object.key]);
    }
    const cutoff = monthsBefore(now, windows.rawMonths);
    for (const [group, keys] of groups) {
      const result = await expireRawFiles({ store, keys, cutoff, held, dryRun });
      damaged.push(...result.damaged);
      reportFiles({
        layer,
        target: group,
        windowMonths: windows.rawMonths,
        cutoff: cutoff.toISOString(),
        unit: 'objects',
        deleted: result.filesDeleted,
        rewritten: result.filesRewritten,
        keptForHold: result.filesKeptForHold,
        recordsRemoved: result.recordsRemoved,
      });
    }
  }

  // Landing rows by their business date (every dt= folder read), dimensions while referenced.
  const landing = await expireLanding({
    store,
    held,
    dryRun,
    curatedExpiredTickets,
    cutoffs: {
      tickets: ticketCutoff,
      stream: (table, stream) => {
        const months = streamWindow(table, stream);
        return { cutoff: monthsBefore(now, months), months };
      },
    },
  });
  damaged.push(...landing.damaged);
  for (const stream of landing.streams) {
    reportFiles({
      layer: 'landing',
      target: stream.prefix.replace(/\/$/, ''),
      windowMonths: stream.windowMonths,
      cutoff: stream.cutoff.toISOString(),
      unit: 'objects',
      deleted: stream.filesDeleted,
      rewritten: stream.filesRewritten,
      keptForHold: stream.rowsKeptForHold,
      recordsRemoved: stream.rowsRemoved,
    });
  }
  for (const file of damaged)
    progress(
      `  damaged    ${file.key}: ${file.reason} (${file.action.replace('_', ' ')}${file.movedTo && file.movedTo !== file.key ? ` to ${file.movedTo}` : ''})`,
    );

  // The months whose aggregates read a fact deleted now: from the cut-off's month to the last month
  // an expired ticket was active in (not past this month). The runner keeps them as they are.
  const unheldExpired = [...landing.expiredTickets].filter((id) => !held.ticketIds.has(id));
  let lastActivity: Date | undefined;
  if (unheldExpired.length > 0) {
    const list = unheldExpired.join(',');
    const parts: string[] = [];
    const events = catalog.get('fct_ticket_events');
    if (
      events?.kind === 'table' &&
      events.columns.includes('created_at') &&
      events.columns.includes('ticket_id')
    )
      parts.push(`select max(created_at) as t from fct_ticket_events where ticket_id in (${list})`);
    for (const column of ['created_at', 'last_solved_at'])
      if (fctTickets?.kind === 'table' && fctTickets.columns.includes(column))
        parts.push(`select max(${column}) as t from fct_tickets where ticket_id in (${list})`);
    if (parts.length > 0) {
      const found = await engine.execute(
        `select cast(max(t) as varchar) as t from (${parts.join(' union all ')}) a`,
      );
      lastActivity = asDate(found.rows[0]?.t ?? undefined);
    }
  }
  const monthOf = (d: Date) => d.toISOString().slice(0, 7);
  const nextMonth = (d: Date) => monthOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
  const startsMonth =
    ticketCutoff.getTime() === Date.UTC(ticketCutoff.getUTCFullYear(), ticketCutoff.getUTCMonth(), 1);
  const cutoffMonth = startsMonth ? monthOf(ticketCutoff) : nextMonth(ticketCutoff);
  const activeUntil = lastActivity ? [nextMonth(lastActivity), monthOf(now)].sort()[0]! : cutoffMonth;
  const frozenBefore = [cutoffMonth, activeUntil].sort()[1]!;

  // Published copies: the publication CURRENT.json points to is never touched (the next run's
  // publication replaces it), KPI marts are kept everywhere; fact copies in superseded
  // publications go by their partition, or whole when they have none.
  const current = await readCurrentPointer(store).catch(() => undefined);
  // An incremental publication lists unchanged partitions' files in the folders of earlier ones:
  // those are the current publication's too.
  const currentKeys = new Set(
    current
      ? await readCurrentPublication(store)
          .then((p) => manifestKeys(p.manifest))
          .catch(() => [])
      : [],
  );
  const publishedLayers: { store: ObjectStore; prefix: string }[] = [
    { store, prefix: 'published/' },
    ...(options.publishedStores ?? []).map((s) => ({ store: s, prefix: '' })),
  ];
  for (const { store: layerStore, prefix } of publishedLayers) {
    const groups = new Map<string, string[]>();
    for await (const object of layerStore.list(prefix)) {
      const key = object.key;
      if (current && layerStore === store && (key.startsWith(current.prefix) || currentKeys.has(key)))
        continue;
      const table = publishedTable(key.slice(prefix.length));
      if (!table) continue;
      if (keep.has(table) || classifyTable(table).class === 'kpi_mart') {
        if (!keptTables.includes(`published ${table}`)) keptTables.push(`published ${table}`);
        continue;
      }
      groups.set(table, [...(groups.get(table) ?? []), key]);
    }
    for (const [table, keys] of groups) {
      const windowMonths = windows.tables[table] ?? windows.factsMonths;
      const cutoff = monthsBefore(now, windowMonths);
      const superseded = (key: string) => key.slice(prefix.length).startsWith('publications/');
      const expired = keys.filter((key) => {
        const end = partitionEnd(key);
        return end ? end <= cutoff : superseded(key);
      });
      if (expired.length === 0) continue;
      if (!dryRun) await layerStore.delete(expired);
      const item: RetentionItem = {
        layer: 'published',
        target: `${prefix}${table}`,
        windowMonths,
        cutoff: cutoff.toISOString(),
        unit: 'objects',
        deleted: expired.length,
        rewritten: 0,
        keptForHold: 0,
        recordsRemoved: 0,
      };
      items.push(item);
      progress(formatItem(item, dryRun));
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
  const expiredTicketList = [...landing.expiredTickets].join(',');
  for (const relation of [...relations.filter((r) => !isStateTable(r)), ...relations.filter(isStateTable)]) {
    if (relation.kind !== 'table') continue;
    const classification = classifyTable(relation.name, relation.columns);
    if (keep.has(relation.name) || ['kpi_mart', 'seed', 'operational'].includes(classification.class)) {
      keptTables.push(relation.name);
      continue;
    }
    if (DIMENSIONS_KEPT.has(relation.name)) {
      keptTables.push(relation.name);
      continue;
    }
    const has = (c: string) => relation.columns.includes(c);
    const dateColumn = DATE_COLUMNS.find(has);
    const windowMonths = windowOf(relation);
    const cutoff = monthsBefore(now, windowMonths);
    let expiredOverride: string | undefined;
    if (has('ticket_id')) {
      // What hangs off a ticket goes with it (and message text also by its own window).
      const ofTicket = expiredTicketList ? `ticket_id in (${expiredTicketList})` : 'false';
      const isText = [...classifyTable(relation.name, relation.columns).sensitive.values()].includes('text');
      expiredOverride =
        isText && dateColumn
          ? `(${ofTicket} or ${rowRule(relation, dateColumn, cutoff, held).expired})`
          : ofTicket;
    }
    if (!dateColumn && !expiredOverride) {
      skipped.push({ table: relation.name, reason: `no date column (${DATE_COLUMNS.join(', ')})` });
      continue;
    }
    const item = await expireRows({
      engine,
      relation,
      dateColumn: dateColumn ?? 'ticket_id',
      expiredOverride,
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

  // Deleted rows are still in the tables' data files (Iceberg) until maintenance rewrites them.
  const touched = items.filter((i) => i.layer === 'curated' && i.deleted > 0).map((i) => i.target);
  const maintenance =
    dryRun || options.maintenance === false
      ? undefined
      : await maintainTables(engine, touched, {
          onProgress: progress,
          snapshotMaxAgeSeconds: engine.capabilities.snapshotMaxAgeSeconds,
        });

  const state = dryRun
    ? undefined
    : await writeRetentionState(store, {
        frozenBefore,
        ticketCutoff: ticketCutoff.toISOString(),
        appliedAt: now.toISOString(),
        ...(options.runId ? { runId: options.runId } : {}),
      });
  progress(
    `  KPI mart months before ${state?.frozenBefore ?? frozenBefore} are kept as computed (their facts are gone)`,
  );

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
    for (const file of damaged) {
      await options.audit.append({
        role: 'pipeline',
        action: 'retention.damaged_file',
        target: file.key,
        outcome: dryRun ? 'dry_run' : 'success',
        details: {
          reason: file.reason,
          action: file.action,
          ...(file.movedTo ? { moved_to: file.movedTo } : {}),
          ...(options.runId ? { run_id: options.runId } : {}),
        },
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
        damaged_files: damaged.length,
      },
      details: { now: now.toISOString(), ...(options.runId ? { run_id: options.runId } : {}) },
    });
    if (maintenance)
      await options.audit.append({
        role: 'pipeline',
        action: 'retention.maintenance',
        target: maintenance.tables.length > 0 ? maintenance.tables.join(',') : maintenance.engine,
        outcome: 'success',
        counts: { tables: maintenance.tables.length, statements: maintenance.statements },
        details: { engine: maintenance.engine, ...(options.runId ? { run_id: options.runId } : {}) },
      });
  }
  return {
    dryRun,
    now: now.toISOString(),
    items,
    keptTables,
    skipped,
    damaged,
    frozenBefore: state?.frozenBefore ?? frozenBefore,
    ...(maintenance ? { maintenance } : {}),
    totals,
  };
}

/**
 * The table a published object holds: `publications/<run>/parquet/<table>/…` (or `csv/`), or the
 * first folder of a flat layout (`fct_tickets/created_month=…/part-0.csv`). Undefined for manifests,
 * pointers and dashboards, which hold no rows of their own.
 */
function publishedTable(relative: string): string | undefined {
  const parts = relative.split('/');
  if (parts[0] === 'publications') {
    const format = parts.findIndex((p) => p === 'parquet' || p === 'csv');
    const name = format > 0 ? parts[format + 1] : undefined;
    return name?.replace(/\.(csv|parquet)(\.gz)?$/, '');
  }
  return parts.length > 1 ? parts[0] : undefined;
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
  /** The rows past their window, when not simply "the date column before the cut-off". */
  expiredOverride?: string;
}): Promise<RetentionItem> {
  const { engine, relation, dateColumn, held } = input;
  const base = rowRule(relation, dateColumn, input.cutoff, held);
  const rule = input.expiredOverride ? { ...base, expired: `(${input.expiredOverride})` } : base;
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
  const literal = cutoffLiteral(relation, dateColumn, cutoff);
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

/** The cut-off as a literal of the column's type. */
function cutoffLiteral(relation: CatalogRelation, column: string, cutoff: Date): string {
  const type = relation.types.get(column) ?? '';
  const iso = cutoff.toISOString();
  return type.startsWith('timestamp')
    ? `timestamp '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`
    : type === 'date'
      ? `date '${iso.slice(0, 10)}'`
      : `'${iso}'`;
}
