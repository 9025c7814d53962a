import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { classifyTable, rolePolicies } from '#src/governance/access/access-policy.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import { loadRelationCatalog, type RelationCatalog } from '#src/governance/access/relation-catalog.ts';
import type { Role } from '#src/governance/access/role.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';
import { resolveSubjects, sqlList } from '#src/governance/retention/legal-holds.ts';
import { customerKey } from '#src/privacy/customer-key.ts';

export interface ExportComplianceOptions {
  readonly engine: QueryEngine;
  readonly audit: AuditLog;
  readonly role: Role;
  readonly actor?: string;
  /** Folder the export is written to (created); it holds personal data, keep it out of published/. */
  readonly outDir: string;
  /** Everything about one customer, found through the customer key of this e-mail … */
  readonly customerEmail?: string;
  /** … or everything created in [from, to) (ISO dates). */
  readonly from?: string;
  readonly to?: string;
  /** The HMAC key customer keys are computed with (required with `customerEmail`). */
  readonly hmacKey?: string;
  readonly catalog?: RelationCatalog;
  readonly schema?: string;
  readonly onProgress?: (line: string) => void;
}

export interface ExportedFile {
  readonly path: string;
  readonly format: 'csv' | 'parquet';
  readonly bytes: number;
  readonly sha256: string;
}

export interface ExportedTable {
  readonly table: string;
  readonly rows: number;
  readonly files: readonly ExportedFile[];
}

export interface ComplianceExport {
  readonly outDir: string;
  /** Pseudonymous key of the customer exported (never the e-mail). */
  readonly customerKey?: string;
  readonly from?: string;
  readonly to?: string;
  readonly tables: readonly ExportedTable[];
  readonly manifest: string;
  readonly totals: { readonly tables: number; readonly rows: number; readonly files: number };
}

/** Bad export request: no subject, both subjects, or an engine that cannot write files here. */
export class ExportRequestError extends Error {
  override readonly name = 'ExportRequestError';
}

const PERIOD_COLUMNS = [
  'created_at',
  'created_date',
  'submitted_at',
  'occurred_at',
  'rated_at',
  'valid_from',
  'updated_at',
];

/**
 * The export's subject, checked before anything is opened or written: one customer by a valid
 * e-mail, or a non-empty period of calendar dates. Throws `ExportRequestError` naming the option.
 */
export function checkExportRequest(
  options: Pick<ExportComplianceOptions, 'customerEmail' | 'from' | 'to'>,
): void {
  const byCustomer = options.customerEmail !== undefined;
  const byPeriod = options.from !== undefined || options.to !== undefined;
  if (byCustomer === byPeriod)
    throw new ExportRequestError(
      'Give either --customer EMAIL or --from/--to (ISO dates), not both and not neither.',
    );
  for (const [name, value] of [
    ['from', options.from],
    ['to', options.to],
  ] as const)
    if (value !== undefined && !z.iso.date().safeParse(value).success)
      throw new ExportRequestError(`--${name} must be a calendar date YYYY-MM-DD, got "${value}".`);
  // An empty or inverted period exports nothing and would look like "nothing retained": refuse it.
  if (options.from !== undefined && options.to !== undefined && options.from >= options.to)
    throw new ExportRequestError(
      `--from (${options.from}) must be before --to (${options.to}); the period is [from, to).`,
    );
  if (byCustomer && !z.email().safeParse(options.customerEmail?.trim()).success)
    throw new ExportRequestError(
      `--customer must be an e-mail address (the customer is found by its key), got "${options.customerEmail}".`,
    );
}

/**
 * Write everything retained about one customer (or one period) as CSV and Parquet, one pair of
 * files per table, with a manifest of row counts and SHA-256 checksums. Only roles allowed to export
 * (compliance) may; anyone else is refused, and both outcomes are audited. The customer is found
 * through the customer key of the e-mail, then through every id that key pairs with (user ids,
 * contact ids, the tickets they asked), in every table and view that carries one of them.
 */
export async function exportCompliance(options: ExportComplianceOptions): Promise<ComplianceExport> {
  const { engine, audit, role } = options;
  checkExportRequest(options);
  const byCustomer = options.customerEmail !== undefined;

  if (!rolePolicies[role].mayExport) {
    const rule = `only roles that may export (${Object.entries(rolePolicies)
      .filter(([, p]) => p.mayExport)
      .map(([r]) => r)
      .join(', ')}) write compliance exports`;
    await audit.append({
      actor: options.actor,
      role,
      action: 'export.denied',
      target: byCustomer ? 'customer' : 'period',
      outcome: 'denied',
      details: { rule },
    });
    throw new AccessDeniedError(
      role,
      rule,
      undefined,
      undefined,
      'compliance exports are not allowed for this role',
    );
  }
  if (!engine.capabilities.writesLocalFiles)
    throw new ExportRequestError(
      'Compliance exports are written with DuckDB COPY; on Athena run them from a machine with the local engine over the curated tables.',
    );

  let key: string | undefined;
  if (byCustomer) {
    if (!options.hmacKey) throw new ExportRequestError('An HMAC key is needed to find a customer by e-mail.');
    key = customerKey(options.customerEmail, options.hmacKey) ?? undefined;
    if (!key) throw new ExportRequestError('--customer must be a non-empty e-mail address.');
  }
  const catalog = options.catalog ?? (await loadRelationCatalog(engine, { schema: options.schema }));
  const subject = key ? await resolveSubjects({ engine, catalog, customerKeys: [key] }) : undefined;

  const outDir = resolve(options.outDir);
  const subjectDetails = {
    ...(key ? { customer_key: key } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
  // Audited before the first byte of personal data is written: if this entry cannot be made
  // durable (disk full, log unwritable or damaged), the export does not start.
  const start = await audit.append({
    actor: options.actor,
    role,
    action: 'export',
    target: outDir,
    outcome: 'started',
    details: subjectDetails,
  });
  try {
    return await writeExport(options, { outDir, key, catalog, subject, start: start.seq, subjectDetails });
  } catch (error) {
    await audit
      .append({
        actor: options.actor,
        role,
        action: 'export',
        target: outDir,
        outcome: 'failure',
        details: { ...subjectDetails, started_seq: start.seq, error: (error as Error)?.name ?? 'Error' },
      })
      .catch((auditError: unknown) => {
        if (error instanceof Error)
          error.message += ` (and its failure could not be audited: ${(auditError as Error).message})`;
      });
    throw error;
  }
}

async function writeExport(
  options: ExportComplianceOptions,
  context: {
    outDir: string;
    key: string | undefined;
    catalog: RelationCatalog;
    subject: Awaited<ReturnType<typeof resolveSubjects>> | undefined;
    start: number;
    subjectDetails: Record<string, string>;
  },
): Promise<ComplianceExport> {
  const { engine, audit, role } = options;
  const { outDir, key, catalog, subject } = context;
  await mkdir(outDir, { recursive: true });
  const tables: ExportedTable[] = [];
  for (const relation of [...catalog.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    // This run's new landing rows (and their latest versions): a subset of the landing table exported whole.
    if (/__new(_latest)?$/.test(relation.name)) continue;
    const cls = classifyTable(relation.name, relation.columns).class;
    if (cls === 'kpi_mart' || cls === 'seed' || cls === 'operational') continue;
    const has = (c: string) => relation.columns.includes(c);
    const terms: string[] = [];
    if (subject) {
      if (has('customer_key')) terms.push(`customer_key = '${key}'`);
      if (has('ticket_id') && subject.ticketIds.size > 0)
        terms.push(`ticket_id in (${[...subject.ticketIds].join(',')})`);
      for (const c of ['user_id', 'requester_id'])
        if (has(c) && subject.userIds.size > 0) terms.push(`${c} in (${[...subject.userIds].join(',')})`);
      if (has('contact_id') && subject.contactIds.size > 0)
        terms.push(`cast(contact_id as varchar) in (${sqlList([...subject.contactIds])})`);
    } else {
      const column = PERIOD_COLUMNS.find(has);
      if (column) {
        const bounds = [
          options.from ? `${column} >= ${dateLiteral(relation.types.get(column), options.from)}` : '',
          options.to ? `${column} < ${dateLiteral(relation.types.get(column), options.to)}` : '',
        ].filter(Boolean);
        terms.push(bounds.join(' and '));
      }
    }
    if (terms.length === 0) continue;
    const query = `select * from ${relation.name} where ${terms.map((t) => `(${t})`).join(' or ')}`;
    const count = Number((await engine.execute(`select count(*) as n from (${query}) q`)).rows[0]?.n ?? 0);
    if (count === 0) continue;
    const files: ExportedFile[] = [];
    for (const format of ['csv', 'parquet'] as const) {
      const path = join(outDir, `${relation.name}.${format}`);
      const formatOptions = format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet)';
      await engine.execute(`copy (${query}) to '${path.replaceAll("'", "''")}' ${formatOptions}`);
      files.push({ path, format, bytes: (await stat(path)).size, sha256: await fileSha256(path) });
    }
    tables.push({ table: relation.name, rows: count, files });
    options.onProgress?.(`  ${relation.name.padEnd(44)} ${String(count).padStart(8)} rows`);
  }

  const totals = {
    tables: tables.length,
    rows: tables.reduce((n, t) => n + t.rows, 0),
    files: tables.reduce((n, t) => n + t.files.length, 0),
  };
  const manifest = join(outDir, 'manifest.json');
  await writeFile(
    manifest,
    `${JSON.stringify(
      {
        exported_at: new Date().toISOString(),
        role,
        customer_key: key,
        from: options.from,
        to: options.to,
        tables: tables.map((t) => ({
          table: t.table,
          rows: t.rows,
          files: t.files.map((f) => ({
            file: f.path.slice(outDir.length + 1),
            bytes: f.bytes,
            sha256: f.sha256,
          })),
        })),
        totals,
      },
      null,
      2,
    )}\n`,
  );
  await audit.append({
    actor: options.actor,
    role,
    action: 'export',
    target: outDir,
    outcome: 'success',
    counts: totals,
    details: {
      ...context.subjectDetails,
      started_seq: context.start,
      manifest_sha256: await fileSha256(manifest),
      tables: tables.map((t) => ({ table: t.table, rows: t.rows })),
      files: tables.flatMap((t) =>
        t.files.map((f) => ({ file: f.path.slice(outDir.length + 1), sha256: f.sha256 })),
      ),
    },
  });
  return { outDir, customerKey: key, from: options.from, to: options.to, tables, manifest, totals };
}

function dateLiteral(type: string | undefined, date: string): string {
  if (type?.startsWith('timestamp')) return `timestamp '${date} 00:00:00'`;
  if (type === 'date') return `date '${date}'`;
  return `'${date}'`;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
