import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';
import { partitionFilter } from '#src/publish/table-exporter.ts';

export interface UnloadStatementsInput {
  readonly table: string;
  readonly columns: readonly string[];
  readonly partitionBy?: string;
  /** Only these partition values (at most 100: UNLOAD's partition limit); absent: all. */
  readonly partitions?: readonly string[];
  /** Value expression per column where it is not the column itself (message text withheld). */
  readonly expressions?: Readonly<Record<string, string>>;
  /** `s3://bucket/…/parquet/<table>/`: must be empty (UNLOAD refuses to write into used prefixes). */
  readonly parquetUri: string;
  /** `s3://bucket/…/_staging/<table>/csv/`: header-less CSV parts, concatenated afterwards. */
  readonly csvStagingUri: string;
}

/**
 * Athena `UNLOAD` statements for one table.
 *
 * - Parquet: hive-partitioned by `partitioned_by`, which Athena requires to be the last selected
 *   column(s); Snappy, like the local export.
 * - CSV: UNLOAD's TEXTFILE neither quotes fields nor writes a header, so each row is rendered as one
 *   already-quoted CSV line (`"a","b ""quoted""",`; NULL is an empty field) and the exporter
 *   prepends the header while concatenating the parts into one file. A partitioned table's line
 *   is preceded by its partition value and a tab, so the exporter can write one CSV per partition
 *   (TEXTFILE's own `partitioned_by` would drop the column from the line's table).
 */
export function athenaUnloadStatements(input: UnloadStatementsInput): { parquet: string; csv: string } {
  if (input.partitionBy && input.columns.at(-1) !== input.partitionBy) {
    throw new TypeError(`UNLOAD of ${input.table}: the partition column ${input.partitionBy} must come last`);
  }
  const from = `FROM ${quoteIdentifier(input.table)}${partitionFilter(input.partitionBy, input.partitions)}`;
  const select = `SELECT ${input.columns.map((c) => selectItem(c, input.expressions)).join(', ')} ${from}`;
  const parquetOptions = ["format = 'PARQUET'", "compression = 'SNAPPY'"];
  if (input.partitionBy) parquetOptions.push(`partitioned_by = ARRAY[${quoteString(input.partitionBy)}]`);
  const parquet = `UNLOAD (${select}) TO ${quoteString(input.parquetUri)} WITH (${parquetOptions.join(', ')})`;

  const fields = input.columns.map(
    (column) =>
      `coalesce('"' || replace(CAST(${input.expressions?.[column] ?? quoteIdentifier(column)} AS VARCHAR), '"', '""') || '"', '')`,
  );
  const partition = input.partitionBy
    ? `CAST(${quoteIdentifier(input.partitionBy)} AS VARCHAR) AS partition_value, `
    : '';
  const line = `SELECT ${partition}${fields.join(" || ',' || ")} AS csv_line ${from}`;
  const csv =
    `UNLOAD (${line}) TO ${quoteString(input.csvStagingUri)} ` +
    "WITH (format = 'TEXTFILE', compression = 'NONE', field_delimiter = '\\t')";
  return { parquet, csv };
}

/** The CSV header row, quoted the same way as the rows. */
export function csvHeaderLine(columns: readonly string[]): string {
  return `${columns.map((column) => `"${column.replaceAll('"', '""')}"`).join(',')}\n`;
}

function selectItem(column: string, expressions: Readonly<Record<string, string>> | undefined): string {
  const expression = expressions?.[column];
  return expression === undefined ? quoteIdentifier(column) : `${expression} AS ${quoteIdentifier(column)}`;
}
