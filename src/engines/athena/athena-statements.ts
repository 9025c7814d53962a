import {
  type EngineStatements,
  mergeStatement,
  quoteIdentifier as q,
  quoteString,
  replacePartitionsStatement,
  valuesQuery,
} from '#src/engines/engine-statements.ts';
import {
  athenaLandingTableDdl,
  glueLandingType,
  LANDING_PARTITION,
  newSourceName,
  partitionOfFile,
} from '#src/engines/landing-sources.ts';
import type { ColumnType } from '#src/landing/columns.ts';
import { landingTableName } from '#src/landing/landing-schemas.ts';

/** Hive DDL (DROP / ALTER TABLE) quotes identifiers with backticks; Trino statements with `"`. */
function bq(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Longest `"$path" IN (…)` list we send; Athena refuses statements over 262,144 bytes. */
const MAX_PATH_LIST_CHARS = 150_000;

const hiveToSql: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/**
 * Athena: landing tables are external JSON tables with partition projection (also created by CDK;
 * `IF NOT EXISTS` makes the statement harmless there), `__new` is a view restricted by `dt` (for
 * pruning) and `"$path"` (exact files); tables are Iceberg CTAS into a fresh location, then renamed
 * into place; incremental models MERGE into Iceberg, one statement per ≤ 100 partitions.
 */
export function athenaStatements(options: { readonly curatedLocation: string }): EngineStatements {
  const curated = options.curatedLocation.endsWith('/')
    ? options.curatedLocation
    : `${options.curatedLocation}/`;
  const icebergWith = (location: string, partitionBy?: string) =>
    `WITH (table_type = 'ICEBERG', is_external = false, location = ${quoteString(location)}, ` +
    `format = 'PARQUET', write_compression = 'ZSTD'` +
    (partitionBy ? `, partitioning = ARRAY[${quoteString(partitionBy)}]` : '') +
    ')';

  return {
    landingSources({ stream, allFiles, newFiles, prefixUri }) {
      const names = Object.keys(stream.columns);
      let select: string;
      if (newFiles.length === 0) {
        const typed = names.map((n) => {
          const type = (stream.columns[n]?.type ?? 'varchar') as ColumnType;
          return `CAST(NULL AS ${hiveToSql[glueLandingType[type]]}) AS ${q(n)}`;
        });
        select = `SELECT ${[...typed, `CAST(NULL AS VARCHAR) AS ${LANDING_PARTITION}`].join(', ')} WHERE 1 = 0`;
      } else {
        const from = `SELECT ${[...names.map(q), LANDING_PARTITION].join(', ')} FROM ${q(landingTableName(stream))}`;
        const days = [...new Set(newFiles.map(partitionOfFile).filter((d) => d !== undefined))].sort();
        const paths = newFiles.map(quoteString).join(', ');
        if (newFiles.length === allFiles.length) {
          select = from; // a full rebuild reads everything: no list to send
        } else if (paths.length > MAX_PATH_LIST_CHARS) {
          // Too many files for one statement (Athena caps a query at 256 KB): prune by day only.
          // Re-reading an already merged file of those days is harmless, since MERGE is idempotent.
          select = `${from} WHERE ${LANDING_PARTITION} IN (${days.map(quoteString).join(', ')})`;
        } else {
          select = `${from} WHERE ${LANDING_PARTITION} IN (${days.map(quoteString).join(', ')}) AND "$path" IN (${paths})`;
        }
      }
      return [
        athenaLandingTableDdl(stream, prefixUri),
        `CREATE OR REPLACE VIEW ${q(newSourceName(stream))} AS ${select}`,
      ];
    },

    seedTable({ name, columns, rows, runId, existing }) {
      // Renaming a table that is not there fails (a first deployment, an emptied catalog): swap
      // only what the catalog holds.
      return this.replaceTable({ name, sql: valuesQuery(columns, rows), runId, existing });
    },

    createView({ name, sql, existing }) {
      return [
        ...(existing === 'table' ? [`DROP TABLE IF EXISTS ${bq(name)}`] : []),
        `CREATE OR REPLACE VIEW ${q(name)} AS ${sql}`,
      ];
    },

    replaceTable({ name, sql, partitionBy, runId, existing }) {
      const tmp = `${name}__tmp`;
      const old = `${name}__old`;
      // A fresh location per run: the new table never shares files with the one readers are on.
      const location = `${curated}${name}/${runId}/`;
      return [
        `DROP TABLE IF EXISTS ${bq(tmp)}`,
        `CREATE TABLE ${q(tmp)} ${icebergWith(location, partitionBy)} AS ${sql}`,
        `DROP TABLE IF EXISTS ${bq(old)}`,
        ...(existing === 'table'
          ? [`ALTER TABLE ${bq(name)} RENAME TO ${bq(old)}`]
          : existing === 'view'
            ? [`DROP VIEW IF EXISTS ${name}`]
            : []),
        `ALTER TABLE ${bq(tmp)} RENAME TO ${bq(name)}`,
        `DROP TABLE IF EXISTS ${bq(old)}`,
      ];
    },

    createDelta({ deltaName, sql, runId }) {
      return [
        `DROP TABLE IF EXISTS ${bq(deltaName)}`,
        `CREATE TABLE ${q(deltaName)} ${icebergWith(`${curated}_delta/${deltaName}/${runId}/`)} AS ${sql}`,
      ];
    },

    merge: mergeStatement,

    replacePartitions: replacePartitionsStatement,

    dropTable(name) {
      return `DROP TABLE IF EXISTS ${bq(name)}`;
    },

    renameTable(from, to) {
      return `ALTER TABLE ${bq(from)} RENAME TO ${bq(to)}`;
    },

    createTableIfMissing(name, columns) {
      const defs = Object.entries(columns).map(
        ([c, t]) => `${bq(c)} ${t === 'timestamp' ? 'timestamp' : glueLandingType[t]}`,
      );
      return (
        `CREATE TABLE IF NOT EXISTS ${bq(name)} (${defs.join(', ')}) ` +
        `LOCATION ${quoteString(`${curated}_meta/${name}/`)} TBLPROPERTIES ('table_type' = 'ICEBERG')`
      );
    },
  };
}
