import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';

export interface CopyStatementsInput {
  readonly table: string;
  readonly columns: readonly string[];
  readonly partitionBy?: string;
  /** Value expression per column where it is not the column itself (message text withheld). */
  readonly expressions?: Readonly<Record<string, string>>;
  /** Local folder DuckDB writes the table's Parquet into (created beforehand). */
  readonly parquetDir: string;
  /** Local file DuckDB writes the table's CSV into (its folder created beforehand). */
  readonly csvFile: string;
}

/**
 * DuckDB `COPY … TO` statements for one table: hive-partitioned Parquet (Snappy, which every
 * Parquet reader handles, QuickSight and Athena included) and one CSV with a header row.
 */
export function duckDbCopyStatements(input: CopyStatementsInput): { parquet: string; csv: string } {
  const select = `SELECT ${input.columns.map((c) => selectItem(c, input.expressions)).join(', ')} FROM ${quoteIdentifier(input.table)}`;
  const parquet = input.partitionBy
    ? `COPY (${select}) TO ${quoteString(input.parquetDir)} (FORMAT parquet, COMPRESSION snappy, ` +
      `PARTITION_BY (${quoteIdentifier(input.partitionBy)}), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)`
    : `COPY (${select}) TO ${quoteString(`${input.parquetDir}/part-0.parquet`)} (FORMAT parquet, COMPRESSION snappy)`;
  const csv = `COPY (${select}) TO ${quoteString(input.csvFile)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`;
  return { parquet, csv };
}

function selectItem(column: string, expressions: Readonly<Record<string, string>> | undefined): string {
  const expression = expressions?.[column];
  return expression === undefined ? quoteIdentifier(column) : `${expression} AS ${quoteIdentifier(column)}`;
}
