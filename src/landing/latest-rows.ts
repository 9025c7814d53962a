import { type LandingStream, landingTableName, newSourceName } from './landing-schemas.ts';

/**
 * The deduplicated latest-row relation of each landing stream, generated from its declaration.
 *
 * Landing is at-least-once: a record re-read by a lookback window, a page retried, or a newer
 * version of the same entity all land again. What staging needs is one row per entity: among the
 * rows of `landing_<source>__<stream>__new` (the files that arrived since the last complete run,
 * every file on a full refresh), the one with the greatest declared `version`, then the latest
 * `_extracted_at`, then the greatest `_run_id`. That rule is the same for every stream, so it is
 * written here once, from each stream's `key` and `version`, instead of by hand in every staging
 * model.
 *
 * Each relation is a model file checked in under `sql/staging/<source>/generated/` (so the model
 * runner, the portability check and the data dictionary see it like any other model); a test
 * fails when a file differs from what this module renders, and `npm run generate:landing` writes
 * them. The SQL is Trino's (Athena engine v3) and runs unchanged on DuckDB through the macros of
 * `sql/functions/duckdb-macros.sql`.
 */

/** `landing_<source>__<stream>__new_latest`: the model name of a stream's latest-row relation. */
export function latestRowsName(stream: LandingStream): string {
  return `${landingTableName(stream)}__new_latest`;
}

/** Whether a model is a generated latest-row relation. */
export function isLatestRowsName(name: string): boolean {
  return /^landing_[a-z0-9_]+__new_latest$/.test(name);
}

/** Where the model file lives, relative to `sql/`. */
export function latestRowsFile(stream: LandingStream): string {
  return `staging/${stream.source}/generated/${latestRowsName(stream)}.sql`;
}

/** The ORDER BY of the version ranking: newest version first, then the latest extraction. */
export function versionOrder(stream: LandingStream): string[] {
  const byTime = (column: string) => `from_iso8601_timestamp(${column}) desc`;
  const versionType = stream.columns[stream.version]?.type;
  const order = [versionType === 'timestamp' ? byTime(stream.version) : `${stream.version} desc`];
  if (stream.version !== '_extracted_at') order.push(byTime('_extracted_at'));
  order.push('_run_id desc');
  return order;
}

/** The model file of a stream's latest-row relation: header and SELECT. */
export function latestRowsModel(stream: LandingStream): string {
  const columns = Object.keys(stream.columns);
  const key = stream.key.join(', ');
  const ranking =
    stream.version === '_extracted_at'
      ? 'latest _extracted_at, then _run_id'
      : `greatest ${stream.version}, then latest _extracted_at, then _run_id`;
  const indent = (lines: readonly string[], spaces: number) =>
    lines.map((line) => `${' '.repeat(spaces)}${line}`);
  return [
    '-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).',
    '-- Do not edit: change the stream declaration and generate again.',
    '-- materialized: view',
    `-- description: ${stream.description}: the rows that arrived in this run (every row on a full refresh), latest version per ${stream.key.join(' + ')} (${ranking}), columns as landed`,
    '',
    'with ranked as (',
    '    select',
    ...indent(
      columns.map((c) => `${c},`),
      8,
    ),
    '        row_number() over (',
    `            partition by ${key}`,
    `            order by ${versionOrder(stream).join(', ')}`,
    '        ) as version_rank',
    `    from ${newSourceName(stream)}`,
    ')',
    '',
    'select',
    ...indent(
      columns.map((c, i) => `${c}${i < columns.length - 1 ? ',' : ''}`),
      4,
    ),
    'from ranked',
    'where version_rank = 1',
    '',
  ].join('\n');
}
