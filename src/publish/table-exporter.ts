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
  /** Value expression per column where it is not the column itself (message text withheld). */
  readonly expressions?: Readonly<Record<string, string>>;
  /** Object-store key of the publication folder (`published/publications/<run id>/`). */
  readonly publicationPrefix: string;
}

export interface TableExportResult {
  readonly rowCount: number;
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

export function csvPath(table: string): string {
  return `csv/${table}.csv`;
}

/** `created_month=2026-01` in a path → `2026-01`. */
export function partitionOf(path: string, partitionBy: string | undefined): string | undefined {
  if (!partitionBy) return undefined;
  const match = new RegExp(`(?:^|/)${partitionBy}=([^/]+)/`).exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
