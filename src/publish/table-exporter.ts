import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';
import type { PublishedFile } from '#src/publish/publication-manifest.ts';

/**
 * Writes one table of a publication as Parquet and CSV into the object store. One implementation
 * per engine (`duckdb/`, `athena/`), because only the engine can write its own tables out:
 * DuckDB with `COPY … TO` into a local staging folder that is then uploaded, Athena with `UNLOAD`
 * straight into S3.
 */
export interface TableExportInput {
  readonly table: string;
  /** Columns to publish, in order; the partition column, if any, is last (Athena UNLOAD needs it so). */
  readonly columns: readonly string[];
  readonly partitionBy?: string;
  /**
   * Export only these partition values (an incremental publication); absent: every partition.
   * Only with `partitionBy`; a value without rows yields no file.
   */
  readonly partitions?: readonly string[];
  /** Value expression per column where it is not the column itself (message text withheld). */
  readonly expressions?: Readonly<Record<string, string>>;
  /** Object-store key of the publication folder (`published/publications/<run id>/`). */
  readonly publicationPrefix: string;
}

/**
 * The files written. A partitioned table gets Parquet and one CSV (with its header row, and the
 * partition column in it) per partition, each carrying its `partition`, so a later publication can
 * reuse an unchanged partition's files; a table without partitions gets one Parquet and one CSV.
 */
export interface TableExportResult {
  /** Paths relative to the publication folder. */
  readonly parquet: readonly PublishedFile[];
  readonly csv: readonly PublishedFile[];
}

export interface TableExporter {
  exportTable(input: TableExportInput): Promise<TableExportResult>;
  /** Remove local staging files (the object store keeps what was uploaded). */
  dispose(): Promise<void>;
}

/** Where a table's files go inside a publication. */
export function parquetFolder(table: string): string {
  return `parquet/${table}/`;
}

/** The CSV of a table without partitions. */
export function csvPath(table: string): string {
  return `csv/${table}.csv`;
}

/** Where a partitioned table's CSV files go: one hive folder per partition, like its Parquet. */
export function csvFolder(table: string): string {
  return `csv/${table}/`;
}

/** `WHERE` clause keeping only the given partitions, or '' for all of them. */
export function partitionFilter(
  partitionBy: string | undefined,
  partitions: readonly string[] | undefined,
): string {
  if (!partitionBy || partitions === undefined) return '';
  if (partitions.length === 0) return ' WHERE false';
  return ` WHERE CAST(${quoteIdentifier(partitionBy)} AS VARCHAR) IN (${partitions.map(quoteString).join(', ')})`;
}

/** `created_month=2026-01` in a path → `2026-01`. */
export function partitionOf(path: string, partitionBy: string | undefined): string | undefined {
  if (!partitionBy) return undefined;
  const match = new RegExp(`(?:^|/)${partitionBy}=([^/]+)/`).exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
