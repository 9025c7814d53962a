import type { ColumnType } from '#src/landing/columns.ts';
import { type LandingStream, landingTableName } from '#src/landing/landing-schemas.ts';
import { quoteString } from './engine-statements.ts';

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

/** Glue columns of a landing table, name → Glue type, in declaration order (partition `dt` excluded). */
export function glueColumns(stream: LandingStream): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stream.columns).map(([name, spec]) => [name, glueLandingType[spec.type]]),
  );
}

/**
 * Table properties for partition projection on `dt`: Athena computes the partitions from the
 * query's `dt` predicate, so nothing has to register partitions and a daily query prunes to days.
 */
export function landingProjectionProperties(
  locationUri: string,
  firstDay = '2020-01-01',
): Record<string, string> {
  const base = locationUri.endsWith('/') ? locationUri : `${locationUri}/`;
  return {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${firstDay},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': `${base}dt=\${dt}/`,
    classification: 'json',
    compressionType: 'gzip',
  };
}

/** Athena external-table DDL of a landing stream: JSON SerDe, partitioned by `dt` with projection. */
export function athenaLandingTableDdl(stream: LandingStream, locationUri: string): string {
  const location = locationUri.endsWith('/') ? locationUri : `${locationUri}/`;
  const columns = Object.entries(glueColumns(stream))
    .map(([name, type]) => `  \`${name}\` ${type}`)
    .join(',\n');
  const properties = Object.entries(landingProjectionProperties(location))
    .map(([k, v]) => `  ${quoteString(k)} = ${quoteString(v)}`)
    .join(',\n');
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${landingTableName(stream)}\` (`,
    columns,
    ')',
    `PARTITIONED BY (\`${LANDING_PARTITION}\` string)`,
    "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
    "WITH SERDEPROPERTIES ('ignore.malformed.json' = 'false')",
    "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION ${quoteString(location)}`,
    `TBLPROPERTIES (\n${properties}\n)`,
  ].join('\n');
}

/** `landing_<source>__<stream>__new`: the rows of files that arrived since the last successful transform. */
export function newSourceName(stream: LandingStream): string {
  return `${landingTableName(stream)}__new`;
}

/** The `dt=YYYY-MM-DD` partition of a landing file address, if it has one. */
export function partitionOfFile(file: string): string | undefined {
  return /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(file)?.[1];
}
