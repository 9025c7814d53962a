import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { quoteIdentifier } from '#src/engines/engine-statements.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { PublishedTable } from '#src/publish/publication-manifest.ts';
import type { CurrentPublication } from '#src/publish/read-publication.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/**
 * Readers other than DuckDB (which wrote the files): hyparquet for Parquet, csv-parse for CSV.
 * Rows are compared in a canonical text form so a Parquet TIMESTAMP (a JS Date), DuckDB's CSV
 * timestamp text and the engine's ISO string of the same instant compare equal, and nothing else does.
 */
export type CanonicalRow = Record<string, string>;

export async function readParquetRows(
  store: ObjectStore,
  publication: CurrentPublication,
  table: PublishedTable,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const file of table.parquet) {
    const bytes = await store.get(publication.fileKey(file));
    if (!bytes) throw new Error(`missing ${file.path}`);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const fileRows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    // Hive partitioning keeps the partition value in the folder name, not in the file.
    for (const row of fileRows)
      rows.push(table.partitionBy ? { ...row, [table.partitionBy]: file.partition } : row);
  }
  return rows;
}

/** Every CSV file of the table (one, or one per partition), each with its header row. */
export async function readCsvRows(
  store: ObjectStore,
  publication: CurrentPublication,
  table: PublishedTable,
): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  if (table.csv.length === 0) throw new Error(`${table.name} has no CSV`);
  let header: string[] | undefined;
  const rows: Record<string, string>[] = [];
  for (const file of table.csv) {
    const bytes = await store.get(publication.fileKey(file));
    if (!bytes) throw new Error(`missing ${file.path}`);
    const records = parse(Buffer.from(bytes).toString('utf8'), { relaxQuotes: false }) as string[][];
    const [fileHeader = [], ...body] = records;
    if (header && JSON.stringify(header) !== JSON.stringify(fileHeader))
      throw new Error(`${file.path}: header differs from the table's other CSV files`);
    header = fileHeader;
    const names = fileHeader;
    for (const values of body) rows.push(Object.fromEntries(names.map((name, i) => [name, values[i] ?? ''])));
  }
  return { header: header ?? [], rows };
}

export async function readSourceRows(engine: QueryEngine, table: string, columns: readonly string[]) {
  const result = await engine.execute(
    `SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}`,
  );
  return result.rows;
}

/** One canonical text per value; CSV cannot tell NULL from '', so both are `∅` there and here. */
export function canonicalValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '∅';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' || typeof value === 'bigint') return canonicalNumber(Number(value));
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text}T00:00:00.000Z`;
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/.test(text)) {
    return new Date(`${text.replace(' ', 'T').replace(/Z$/, '')}Z`).toISOString();
  }
  if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text)) return canonicalNumber(Number(text));
  return text;
}

/**
 * Twelve significant digits: a DECIMAL read back as a binary double (hyparquet scales the unscaled
 * integer, 0.95 → 0.9500000000000001) equals its source; any real difference still shows.
 */
function canonicalNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** Rows as sorted JSON lines of canonical values over `columns`: equal sets of rows ⇔ equal arrays. */
export function canonicalRows(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): string[] {
  return rows.map((row) => JSON.stringify(columns.map((c) => canonicalValue(row[c])))).sort();
}
