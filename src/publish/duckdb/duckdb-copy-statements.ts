import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';
import { partitionFilter } from '#src/publish/table-exporter.ts';

export interface CopyStatementsInput {
  readonly table: string;
  readonly columns: readonly string[];
  readonly partitionBy?: string;
  /** Only these partition values; absent: all. */
  readonly partitions?: readonly string[];
  /** Value expression per column where it is not the column itself (message text withheld). */
  readonly expressions?: Readonly<Record<string, string>>;
  /** Local folder DuckDB writes the table's Parquet into (created beforehand). */
  readonly parquetDir: string;
  /**
   * Local file DuckDB writes the table's CSV into (its folder created beforehand); for a partitioned
   * table the folder of one hive-partitioned CSV per partition.
   */
  readonly csvFile: string;
}

/**
 * DuckDB `COPY … TO` statements for one table: hive-partitioned Parquet (Snappy, which every
 * Parquet reader handles, QuickSight and Athena included) and CSV with a header row: one file, or
 * one per partition with the partition column kept in the rows (CSV readers do not read folder names).
 */
export function duckDbCopyStatements(input: CopyStatementsInput): { parquet: string; csv: string } {
  const select = `SELECT ${input.columns.map((c) => selectItem(c, input.expressions)).join(', ')} FROM ${quoteIdentifier(input.table)}${partitionFilter(input.partitionBy, input.partitions)}`;
  const parquet = input.partitionBy
    ? `COPY (${select}) TO ${quoteString(input.parquetDir)} (FORMAT parquet, COMPRESSION snappy, ` +
      `PARTITION_BY (${quoteIdentifier(input.partitionBy)}), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)`
    : `COPY (${select}) TO ${quoteString(`${input.parquetDir}/part-0.parquet`)} (FORMAT parquet, COMPRESSION snappy)`;
  const csvOptions = `FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"'`;
  const csv = input.partitionBy
    ? `COPY (${select}) TO ${quoteString(input.csvFile)} (${csvOptions}, PARTITION_BY (${quoteIdentifier(input.partitionBy)}), ` +
      `WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)`
    : `COPY (${select}) TO ${quoteString(input.csvFile)} (${csvOptions})`;
  return { parquet, csv };
}

function selectItem(column: string, expressions: Readonly<Record<string, string>> | undefined): string {
  const expression = expressions?.[column];
  return expression === undefined ? quoteIdentifier(column) : `${expression} AS ${quoteIdentifier(column)}`;
}
