import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogRelation, LocalAthenaCatalog } from './local-athena-catalog.ts';

/**
 * What the local Athena bills: the bytes a statement scanned, as Athena counts them.
 *
 * Athena bills the bytes it reads from S3 (compressed, as stored), rounded up to the megabyte with
 * a 10 MB minimum per query; DDL statements and failed queries are free, $5 per TB
 * (https://aws.amazon.com/athena/pricing/; https://athena.guide/articles/athena-basics-pricing-model).
 * It reads only the Parquet column chunks of the columns a query uses, of the partitions left
 * after pruning, static (a WHERE on the partition column) or dynamic (values a join collects at
 * run time: https://trino.io/docs/current/admin/dynamic-filtering.html).
 *
 * How it is measured here, from what DuckDB did rather than from a model of the SQL:
 * - The statement runs with DuckDB's JSON profiling on; every TABLE_SCAN of the profile names the
 *   table, the columns it projected and the filters it applied, static and dynamic, with the
 *   values the join actually produced.
 * - Each table the statement scanned is written to ZSTD Parquet split by its Iceberg partition
 *   columns (what the CTAS writes: `format = 'PARQUET', write_compression = 'ZSTD'`), and the
 *   Parquet footers give the compressed bytes of every (partition, column) chunk. Cached until
 *   the table changes (a new snapshot or row count).
 * - The scan is billed the chunks of the columns it projected or filtered on, in the partitions
 *   its partition-column filters (static or dynamic) keep: those filters are evaluated by DuckDB
 *   over the partition values. A filter DuckDB cannot evaluate there keeps every partition.
 * - An external (landing, JSON) table is billed whole files: those its file filters keep (the
 *   `"$path"` and `dt` conditions), at their size in S3 (gzip), every column, as the JSON SerDe
 *   reads them.
 * Approximations: column-chunk granularity (Athena can also skip row groups by min/max
 * statistics; not counted, so the figure is an upper bound there); DuckDB's Parquet encoding and
 * row groups stand for Athena's writer's; a table a statement writes is measured as it is after
 * the statement (a MERGE's target before it differs by the rows merged).
 */

/** Athena's minimum billed scan per query: 10 MB. */
export const MINIMUM_BILLED_BYTES = 10 * 1024 * 1024;
/** $ per TB (2^40 bytes) scanned, in the regions the pricing page lists at $5. */
export const DOLLARS_PER_TB = 5;

/** The bytes Athena bills for a statement: free for DDL and failures, else ≥ 10 MB, whole megabytes. */
export function billedBytes(scannedBytes: number, options: { ddl: boolean; failed: boolean }): number {
  if (options.ddl || options.failed) return 0;
  const mb = 1024 * 1024;
  return Math.max(MINIMUM_BILLED_BYTES, Math.ceil(scannedBytes / mb) * mb);
}

/** Dollars for billed bytes at $5/TB. */
export function dollarsFor(billed: number): number {
  return (billed / 1024 ** 4) * DOLLARS_PER_TB;
}

/** One table scan of a statement, as DuckDB's profile reports it. */
export interface ProfiledScan {
  /** Table scans: the DuckDB schema (Athena database) and table; undefined for a file scan. */
  readonly schema?: string;
  readonly table?: string;
  /** READ_JSON and other table functions. */
  readonly function?: string;
  readonly projections: readonly string[];
  /** Static and dynamic filter conjuncts (`optional:` dropped). */
  readonly filters: readonly string[];
  readonly fileFilters: readonly string[];
  /** `Scanning Files`: files left after file filters / all files. */
  readonly filesScanned?: number;
  readonly filesTotal?: number;
}

interface ExternalFiles {
  readonly files: readonly { readonly path: string; readonly size: number }[];
  readonly columns: readonly string[];
  readonly partitionColumns: readonly string[];
}

interface TableSizes {
  readonly stamp: string;
  /** Temp table holding partition values, `__column` and `__bytes`. */
  readonly sizesTable: string;
  readonly partitioning: readonly string[];
  readonly columns: readonly string[];
  readonly totalBytes: number;
}

export class LocalAthenaAccounting {
  private scans: ProfiledScan[] = [];
  private readonly external = new Map<string, ExternalFiles>();
  private readonly sizes = new WeakMap<object, TableSizes>();
  private readonly detached = new Map<string, TableSizes>();
  private nextId = 1;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly catalog: LocalAthenaCatalog,
    private readonly workDir: string,
  ) {}

  /** Forget what the last statement scanned (a new statement starts; a failed one is free). */
  reset(): void {
    this.scans = [];
  }

  /** The files an external table's view reads now (recorded when it is (re)defined). */
  async recordExternalFiles(
    database: string,
    name: string,
    files: readonly string[],
    columns: readonly string[],
    partitionColumns: readonly string[],
  ): Promise<void> {
    const withSizes = await Promise.all(files.map(async (path) => ({ path, size: (await stat(path)).size })));
    this.external.set(`${database}.${name.toLowerCase()}`, {
      files: withSizes,
      columns,
      partitionColumns,
    });
  }

  /** Run the statement's main query with profiling on and keep the table scans it made. */
  async profiled<T>(work: () => Promise<T>): Promise<T> {
    const file = join(this.workDir, 'profile.json');
    await this.connection.run(`PRAGMA enable_profiling = 'json'`);
    await this.connection.run(`SET profiling_output = '${file.replaceAll("'", "''")}'`);
    let result: T;
    try {
      result = await work();
    } finally {
      await this.connection.run('PRAGMA disable_profiling');
    }
    try {
      // DuckDB writes no profile for a statement that ran no operators (a CTAS of VALUES): no scan.
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined) this.scans.push(...scansOf(JSON.parse(text)));
    } finally {
      await rm(file, { force: true });
    }
    return result;
  }

  /** The scans of the statement so far (for tests and logs). */
  profiledScans(): readonly ProfiledScan[] {
    return this.scans;
  }

  /** The bytes the statement's scans read, as Athena would count them; clears the scans. */
  async scannedBytes(database: string): Promise<number> {
    const scans = this.scans;
    this.scans = [];
    if (process.env.LOCAL_ATHENA_ACCOUNTING_DEBUG) console.error(JSON.stringify(scans));
    let total = 0;
    for (const scan of scans) {
      if (scan.table) total += await this.tableScanBytes(scan.schema ?? database, scan.table, scan);
      else if (scan.function?.startsWith('READ_JSON')) total += await this.fileScanBytes(database, scan);
    }
    return total;
  }

  private async tableScanBytes(schema: string, table: string, scan: ProfiledScan): Promise<number> {
    const sizes = await this.tableSizes(schema, table);
    if (!sizes || sizes.totalBytes === 0) return 0;
    const known = new Set(sizes.columns);
    const read = new Set(scan.projections.filter((c) => known.has(c)));
    for (const filter of scan.filters) for (const c of identifiersIn(filter, known)) read.add(c);
    // A scan that projects nothing (count(*)) still opens one column's chunks; bill the smallest.
    const columns = [...read];
    const partitionFilters = scan.filters.filter((f) => {
      const names = identifiersIn(f, known);
      return names.length > 0 && names.every((n) => sizes.partitioning.includes(n));
    });
    const where = [
      columns.length > 0 ? `"__column" IN (${columns.map(sqlString).join(', ')})` : 'TRUE',
      ...partitionFilters.map((f) => `(${f})`),
    ];
    const bytes = await this.sumWhere(sizes.sizesTable, where, columns.length > 0 ? [] : ['__column']);
    return bytes;
  }

  /** Sum of `__bytes` where every condition holds; conditions DuckDB cannot evaluate are dropped. */
  private async sumWhere(table: string, conditions: string[], minOver: string[]): Promise<number> {
    const query = (conds: string[]) =>
      minOver.length > 0
        ? `SELECT coalesce(min(b), 0) FROM (SELECT sum("__bytes") AS b FROM ${table} WHERE ${conds.join(' AND ')} GROUP BY ${minOver.map((c) => `"${c}"`).join(', ')})`
        : `SELECT coalesce(sum("__bytes"), 0) FROM ${table} WHERE ${conds.join(' AND ')}`;
    const kept = [...conditions];
    for (;;) {
      try {
        const reader = await this.connection.runAndReadAll(query(kept));
        return Number(reader.getRowsJS()[0]?.[0] ?? 0);
      } catch {
        // A filter written for the table's own scan that does not evaluate over partition values
        // (an expression on other columns): without it, every partition counts (Athena reads more).
        if (kept.length <= 1) return 0;
        kept.pop();
      }
    }
  }

  private async fileScanBytes(database: string, scan: ProfiledScan): Promise<number> {
    const projected = scan.projections.filter((c) => c !== 'filename');
    const candidates = [...this.external.entries()]
      .filter(([key]) => key.startsWith(`${database}.`))
      .map(([, files]) => files)
      .filter(
        (t) =>
          (scan.filesTotal === undefined || t.files.length === scan.filesTotal) &&
          projected.every((c) => t.columns.includes(c) || t.partitionColumns.includes(c)),
      );
    let best = 0;
    for (const table of candidates) {
      const bytes = await this.filesKept(table, scan);
      best = Math.max(best, bytes);
    }
    return best;
  }

  private async filesKept(table: ExternalFiles, scan: ProfiledScan): Promise<number> {
    const all = table.files.reduce((n, f) => n + f.size, 0);
    if (table.files.length === 0) return 0;
    if (scan.fileFilters.length === 0) {
      if (scan.filesScanned !== undefined && scan.filesTotal)
        return Math.round((all * scan.filesScanned) / scan.filesTotal);
      return all;
    }
    const partitionValue = (path: string, column: string) =>
      new RegExp(`[/\\\\]${column}=([^/\\\\]*)`).exec(path)?.[1] ?? null;
    const rows = table.files.map(
      (f) =>
        `(${[
          sqlString(f.path),
          String(f.size),
          ...table.partitionColumns.map((c) => {
            const v = partitionValue(f.path, c);
            return v === null ? 'NULL' : sqlString(decodeURIComponent(v));
          }),
        ].join(', ')})`,
    );
    const columns = ['filename', '__bytes', ...table.partitionColumns].map((c) => `"${c}"`).join(', ');
    try {
      const reader = await this.connection.runAndReadAll(
        `SELECT coalesce(sum("__bytes"), 0) FROM (VALUES ${rows.join(', ')}) AS f(${columns}) ` +
          `WHERE ${scan.fileFilters.map((f) => `(${f})`).join(' AND ')}`,
      );
      return Number(reader.getRowsJS()[0]?.[0] ?? 0);
    } catch {
      if (scan.filesScanned !== undefined && scan.filesTotal)
        return Math.round((all * scan.filesScanned) / scan.filesTotal);
      return all;
    }
  }

  /** The table's compressed Parquet bytes per (partition, column), measured once per version. */
  private async tableSizes(schema: string, table: string): Promise<TableSizes | undefined> {
    const entry: CatalogRelation | undefined = this.catalog.get(schema, table);
    if (entry?.kind === 'view') return undefined;
    const relation = `"${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`;
    let rows: number;
    try {
      const reader = await this.connection.runAndReadAll(`SELECT count(*) FROM ${relation}`);
      rows = Number(reader.getRowsJS()[0]?.[0] ?? 0);
    } catch {
      return undefined; // a temp table of the executor's own, gone by now
    }
    const stamp = `${entry?.snapshots.at(-1)?.id ?? 'none'}:${rows}`;
    const cached = entry ? this.sizes.get(entry) : this.detached.get(`${schema}.${table}`);
    if (cached?.stamp === stamp) return cached;

    const described = await this.connection.runAndReadAll(`DESCRIBE ${relation}`);
    const types = new Map(
      described.getRowObjectsJS().map((r) => [String(r.column_name), String(r.column_type)] as const),
    );
    const partitioning = (entry?.partitioning ?? []).filter((p) => types.has(p));
    const dir = join(this.workDir, 'accounting', String(this.nextId));
    const sizesTable = cached?.sizesTable ?? `"__athena_sizes_${this.nextId}"`;
    this.nextId++;
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(this.workDir, 'accounting'), { recursive: true });
    let totalBytes = 0;
    if (rows === 0) {
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE ${sizesTable} AS SELECT ${[
          ...partitioning.map((p) => `CAST(NULL AS ${types.get(p)}) AS "${p}"`),
          `CAST(NULL AS VARCHAR) AS "__column"`,
          `CAST(0 AS BIGINT) AS "__bytes"`,
        ].join(', ')} WHERE FALSE`,
      );
    } else {
      const options = ['FORMAT parquet', 'COMPRESSION zstd'];
      if (partitioning.length > 0)
        options.push(
          `PARTITION_BY (${partitioning.map((p) => `"${p}"`).join(', ')})`,
          'WRITE_PARTITION_COLUMNS true',
        );
      const target = partitioning.length > 0 ? dir : `${dir}.parquet`;
      await this.connection.run(
        `COPY (SELECT * FROM ${relation}) TO '${target.replaceAll("'", "''")}' (${options.join(', ')})`,
      );
      const glob = partitioning.length > 0 ? `${dir}/**/*.parquet` : target;
      const partitionValue = (p: string) =>
        `TRY_CAST(NULLIF(url_decode(regexp_extract(file_name, '/${p}=([^/]*)/', 1)), '__HIVE_DEFAULT_PARTITION__') AS ${types.get(p)}) AS "${p}"`;
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE ${sizesTable} AS SELECT ${[
          ...partitioning.map(partitionValue),
          `split_part(path_in_schema, ',', 1) AS "__column"`,
          `sum(total_compressed_size)::BIGINT AS "__bytes"`,
        ].join(', ')} FROM parquet_metadata('${glob.replaceAll("'", "''")}') GROUP BY ALL`,
      );
      const reader = await this.connection.runAndReadAll(
        `SELECT coalesce(sum("__bytes"), 0) FROM ${sizesTable}`,
      );
      totalBytes = Number(reader.getRowsJS()[0]?.[0] ?? 0);
      await rm(target, { recursive: true, force: true });
    }
    const sizes: TableSizes = { stamp, sizesTable, partitioning, columns: [...types.keys()], totalBytes };
    if (entry) this.sizes.set(entry, sizes);
    else this.detached.set(`${schema}.${table}`, sizes);
    return sizes;
  }
}

/** Every table scan in a DuckDB JSON profile. */
export function scansOf(profile: unknown): ProfiledScan[] {
  const out: ProfiledScan[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as { operator_type?: string; extra_info?: Record<string, unknown>; children?: unknown[] };
    const info = n.extra_info ?? {};
    if (n.operator_type === 'TABLE_SCAN') {
      const table = typeof info.Table === 'string' ? info.Table.split('.') : undefined;
      const files =
        typeof info['Scanning Files'] === 'string' ? /^(\d+)\/(\d+)$/.exec(info['Scanning Files']) : null;
      out.push({
        schema: table && table.length >= 2 ? table.at(-2) : undefined,
        table: table?.at(-1),
        function: typeof info.Function === 'string' ? info.Function : undefined,
        projections: list(info.Projections),
        filters: [...conjuncts(info.Filters), ...conjuncts(info['Dynamic Filters'])],
        fileFilters: conjuncts(info['File Filters']),
        filesScanned: files ? Number(files[1]) : undefined,
        filesTotal: files ? Number(files[2]) : undefined,
      });
    }
    for (const child of n.children ?? []) walk(child);
  };
  walk(profile);
  return out;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split('\n').filter((v) => v.length > 0);
  return [];
}

/** Filter text as DuckDB prints it: conjuncts on lines or joined by top-level AND, `optional:` dropped. */
function conjuncts(value: unknown): string[] {
  const out: string[] = [];
  for (const line of list(value)) {
    for (const part of splitTopLevelAnd(line)) {
      const text = part.replace(/^optional:\s*/, '').trim();
      if (text.length > 0) out.push(text);
    }
  }
  return out;
}

/**
 * Conjuncts of a filter text: split at top-level ` AND `, and between parenthesised groups that
 * DuckDB prints back to back (`(dt IN ('x'))(("$path" …))` for two file filters).
 */
function splitTopLevelAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') {
      if (depth === 0 && i > start && text[i - 1] === ')') {
        parts.push(text.slice(start, i));
        start = i;
      }
      depth++;
    } else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && text.startsWith(' AND ', i)) {
      parts.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Column names of `known` that a filter's text mentions (outside string literals). */
function identifiersIn(filter: string, known: ReadonlySet<string>): string[] {
  const bare = filter.replace(/'(?:[^']|'')*'/g, "''");
  const found = new Set<string>();
  for (const match of bare.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)) {
    const name = match[1]?.replaceAll('""', '"') ?? match[2] ?? '';
    if (known.has(name)) found.add(name);
  }
  return [...found];
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
