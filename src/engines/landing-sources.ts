import type { ColumnType } from '#src/landing/columns.ts';
import { type LandingStream, landingTableName, newSourceName } from '#src/landing/landing-schemas.ts';

export { newSourceName };

/**
 * How the landing declaration (`src/landing/landing-schemas.ts`) becomes a table in each engine.
 * Landing files are JSON lines, so timestamps stay ISO-8601 strings and JSON columns stay text in
 * both engines; staging models cast them. Both engines add the hive partition column `dt`
 * (`YYYY-MM-DD`, the extract date) from the file path.
 */

/** The DuckDB `read_json` type of a landing column. */
export const duckDbLandingType: Readonly<Record<ColumnType, string>> = {
  varchar: 'VARCHAR',
  json: 'VARCHAR',
  timestamp: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** The Glue (Hive) type of a landing column. */
export const glueLandingType: Readonly<Record<ColumnType, string>> = {
  varchar: 'string',
  json: 'string',
  timestamp: 'string',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
};

/** Partition column of every landing table. */
export const LANDING_PARTITION = 'dt';

/** First day of the `dt` projection unless the deployment says otherwise. */
export const DEFAULT_PROJECTION_START = '2024-01-01';

/** A Glue column: name, Hive type, comment (Glue keeps at most 255 characters). */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/**
 * A landing table as Glue holds it: the `TableInput` of the Glue API (and of CloudFormation's
 * `AWS::Glue::Table`), field for field. The one rendering of a landing table: the CDK stack
 * declares exactly this (`infra/catalog/warehouse-catalog.ts`), and the Athena engine's
 * `CREATE EXTERNAL TABLE` (for a catalog the stack did not make: the local Athena, a rehearsal) is
 * printed from it (`athenaLandingTableDdl`), so the two cannot drift.
 */
export interface LandingGlueTable {
  readonly name: string;
  readonly description: string;
  readonly tableType: 'EXTERNAL_TABLE';
  readonly parameters: Readonly<Record<string, string>>;
  readonly partitionKeys: GlueColumn[];
  readonly storageDescriptor: {
    readonly location: string;
    readonly columns: GlueColumn[];
    readonly inputFormat: string;
    readonly outputFormat: string;
    readonly compressed: boolean;
    readonly serdeInfo: {
      readonly serializationLibrary: string;
      readonly parameters: Readonly<Record<string, string>>;
    };
  };
}

/**
 * SerDe properties of every landing table (OpenX JSON SerDe,
 * https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html):
 * - `ignore.malformed.json` FALSE: a malformed line fails the query instead of becoming nulls;
 * - `case.insensitive` FALSE: a JSON key matches its column only when spelled exactly so. By
 *   default (TRUE) the SerDe lower-cases keys first, so `Ticket_Id` would fill `ticket_id`; DuckDB's
 *   `read_json` (the local engine and the local Athena) matches keys exactly and leaves it NULL.
 *   The writer lands only the declared lower-case names (zod strict objects), so the setting
 *   changes nothing for our files; it makes both engines read any other file the same way.
 */
export const LANDING_SERDE_PARAMETERS: Readonly<Record<string, string>> = {
  'ignore.malformed.json': 'FALSE',
  'case.insensitive': 'FALSE',
};

const JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';

/** Glue columns of a landing table, in declaration order (partition `dt` excluded). */
export function glueColumns(stream: LandingStream): GlueColumn[] {
  return Object.entries(stream.columns).map(([name, spec]) => ({
    name,
    type: glueLandingType[spec.type],
    comment:
      `${spec.description}${spec.classification === 'public' ? '' : ` [${spec.classification}]`}`.slice(
        0,
        255,
      ),
  }));
}

/**
 * Table properties for partition projection on `dt`: Athena computes the partitions from the
 * query's `dt` predicate, so nothing has to register partitions and a daily query prunes to days.
 */
export function landingProjectionProperties(
  locationUri: string,
  firstDay = DEFAULT_PROJECTION_START,
): Record<string, string> {
  const base = locationUri.endsWith('/') ? locationUri : `${locationUri}/`;
  return {
    classification: 'json',
    compressionType: 'gzip',
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${firstDay},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': `${base}dt=\${dt}/`,
  };
}

/** The Glue table of a landing stream: JSON lines read by the OpenX SerDe, partitioned by `dt` with projection. */
export function landingGlueTable(
  stream: LandingStream,
  locationUri: string,
  options: { readonly projectionStart?: string } = {},
): LandingGlueTable {
  const location = locationUri.endsWith('/') ? locationUri : `${locationUri}/`;
  return {
    name: landingTableName(stream),
    description: stream.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: landingProjectionProperties(location, options.projectionStart),
    partitionKeys: [{ name: LANDING_PARTITION, type: 'string', comment: 'Extract date (UTC), YYYY-MM-DD' }],
    storageDescriptor: {
      location,
      columns: glueColumns(stream),
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      compressed: true,
      serdeInfo: { serializationLibrary: JSON_SERDE, parameters: { ...LANDING_SERDE_PARAMETERS } },
    },
  };
}

/** A Hive DDL string literal; a quote inside cannot be carried the same way by Hive and Glue, so it is refused. */
function hiveString(value: string): string {
  if (value.includes("'") || value.includes('\\'))
    throw new Error(
      `landing table text ${JSON.stringify(value)} holds a quote or backslash; reword the declaration`,
    );
  return `'${value}'`;
}

/**
 * Athena `CREATE EXTERNAL TABLE` of a landing stream, printed from its Glue table
 * (`landingGlueTable`): the same columns, comments, SerDe, formats, location and properties.
 * `IF NOT EXISTS`: where the stack made the table, the statement leaves it as it is.
 */
export function athenaLandingTableDdl(
  stream: LandingStream,
  locationUri: string,
  options: { readonly projectionStart?: string } = {},
): string {
  const table = landingGlueTable(stream, locationUri, options);
  const sd = table.storageDescriptor;
  const column = (c: GlueColumn) => `  \`${c.name}\` ${c.type} COMMENT ${hiveString(c.comment)}`;
  const properties = (entries: Readonly<Record<string, string>>) =>
    Object.entries(entries)
      .map(([k, v]) => `  ${hiveString(k)} = ${hiveString(v)}`)
      .join(',\n');
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${table.name}\` (`,
    sd.columns.map(column).join(',\n'),
    ')',
    `COMMENT ${hiveString(table.description)}`,
    `PARTITIONED BY (${table.partitionKeys.map((c) => column(c).trim()).join(', ')})`,
    `ROW FORMAT SERDE ${hiveString(sd.serdeInfo.serializationLibrary)}`,
    `WITH SERDEPROPERTIES (\n${properties(sd.serdeInfo.parameters)}\n)`,
    `STORED AS INPUTFORMAT ${hiveString(sd.inputFormat)}`,
    `OUTPUTFORMAT ${hiveString(sd.outputFormat)}`,
    `LOCATION ${hiveString(sd.location)}`,
    `TBLPROPERTIES (\n${properties(table.parameters)}\n)`,
  ].join('\n');
}

/** The `dt=YYYY-MM-DD` partition of a landing file address, if it has one. */
export function partitionOfFile(file: string): string | undefined {
  return /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(file)?.[1];
}
