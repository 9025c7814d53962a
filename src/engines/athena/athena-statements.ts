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
import { AthenaTableVersions, VERSION_MARK, versionViewSelect } from './athena-table-versions.ts';

/** Hive DDL (DROP / ALTER TABLE) quotes identifiers with backticks; Trino statements with `"`. */
function bq(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** CTAS, INSERT INTO, UNLOAD and MERGE write at most 100 partitions each on Athena. */
export const MAX_PARTITIONS_PER_WRITE = 100;

/** `values` in batches of at most `size`. */
export function batches<T>(values: readonly T[], size = MAX_PARTITIONS_PER_WRITE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** `CAST("p" AS VARCHAR) IN ('a', 'b')` (with `OR "p" IS NULL` for the batch that takes NULLs). */
export function partitionFilter(column: string, values: readonly string[], withNulls: boolean): string {
  const p = q(column);
  const list =
    values.length > 0 ? `CAST(${p} AS VARCHAR) IN (${values.map(quoteString).join(', ')})` : 'FALSE';
  return withNulls ? `(${list} OR ${p} IS NULL)` : list;
}

/**
 * Iceberg table properties that make retention's deletes physical within a known time: VACUUM
 * expires snapshots older than `vacuum_max_snapshot_age_seconds` (and deletes the files only they
 * held), and OPTIMIZE rewrites a data file once one delete file refers to it (Athena's defaults, 2
 * delete files and 5 small files, would leave a single deleted customer in place).
 * https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html,
 * https://docs.aws.amazon.com/athena/latest/ug/optimize-statement.html,
 * https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html (CTAS takes them in WITH).
 */
export function icebergMaintenanceProperties(snapshotMaxAgeSeconds: number): Record<string, number> {
  return {
    vacuum_max_snapshot_age_seconds: snapshotMaxAgeSeconds,
    vacuum_min_snapshots_to_keep: 1,
    optimize_rewrite_delete_file_threshold: 1,
    optimize_rewrite_data_file_threshold: 1,
  };
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
 * pruning) and `"$path"` (exact files); a table is a view over a versioned Iceberg table
 * (athena-table-versions.ts): a rebuild writes a new version (CTAS, then INSERT batches of ≤ 100
 * partitions) and replaces the view in one statement; incremental models MERGE into the current
 * version, one statement per ≤ 100 partitions.
 */
export function athenaStatements(options: {
  readonly curatedLocation: string;
  /** The engine's picture of the versioned tables (the statements name and drop versions by it). */
  readonly versions?: AthenaTableVersions;
  readonly snapshotMaxAgeSeconds?: number;
}): EngineStatements {
  const versions = options.versions ?? new AthenaTableVersions();
  const curated = options.curatedLocation.endsWith('/')
    ? options.curatedLocation
    : `${options.curatedLocation}/`;
  const maintenance = icebergMaintenanceProperties(options.snapshotMaxAgeSeconds ?? 86_400);
  const icebergWith = (location: string, partitionBy?: string) =>
    `WITH (table_type = 'ICEBERG', is_external = false, location = ${quoteString(location)}, ` +
    `format = 'PARQUET', write_compression = 'ZSTD', ` +
    Object.entries(maintenance)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ') +
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
      // A versioned table's name is a view already: replacing it is one catalog update. Only a
      // plain table (built before tables were versioned) must go first.
      const plainTable = existing === 'table' && versions.currentOf(name) === undefined;
      return [
        ...(plainTable ? [`DROP TABLE IF EXISTS ${bq(name)}`] : []),
        `CREATE OR REPLACE VIEW ${q(name)} AS ${sql}`,
      ];
    },

    replaceTable({ name, sql, partitionBy, partitions, runId, existing }) {
      const version = versions.nextVersion(name, runId);
      const previous = versions.currentOf(name);
      // A fresh location per version: the new table never shares files with the one readers are on.
      const location = `${curated}${name}/${version}/`;
      const build: string[] = [];
      const parts = partitionBy && partitions ? batches(partitions) : [];
      if (!partitionBy || parts.length <= 1) {
        build.push(`CREATE TABLE ${q(version)} ${icebergWith(location, partitionBy)} AS ${sql}`);
      } else {
        // At most 100 partitions a statement: the first batch by CTAS, the rest appended; rows
        // with a NULL partition go with the first. Readers see none of it until the view moves.
        parts.forEach((batch, i) => {
          const rows = `SELECT * FROM (${sql}) AS ${q(`${name}__batch`)} WHERE ${partitionFilter(partitionBy, batch, i === 0)}`;
          build.push(
            i === 0
              ? `CREATE TABLE ${q(version)} ${icebergWith(location, partitionBy)} AS ${rows}`
              : `INSERT INTO ${q(version)} ${rows}`,
          );
        });
      }
      // A plain table of that name (deployed before tables were versioned) becomes a version, so
      // the view can take its name; its readers keep its files. (Only this one-time move has a gap.)
      const legacy =
        existing === 'table' && previous === undefined ? `${name}${VERSION_MARK}legacy` : undefined;
      const kept = new Set([version, previous ?? legacy]);
      return [
        ...build,
        ...(legacy ? [`ALTER TABLE ${bq(name)} RENAME TO ${bq(legacy)}`] : []),
        `CREATE OR REPLACE VIEW ${q(name)} AS ${versionViewSelect(version)}`,
        // Versions older than the one readers were on until now: no query still reads them.
        ...versions
          .versionsOf(name)
          .filter((v) => !kept.has(v))
          .map((v) => `DROP TABLE IF EXISTS ${bq(v)}`),
      ];
    },

    createDelta({ name, deltaName, sql, runId }) {
      // A run after a swap: the version readers were on before it has had a whole run interval
      // for its queries to finish (and must not keep rows retention deleted from the current one).
      const current = versions.currentOf(name);
      const stale = current ? versions.versionsOf(name).filter((v) => v !== current) : [];
      return [
        ...stale.map((v) => `DROP TABLE IF EXISTS ${bq(v)}`),
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
        `LOCATION ${quoteString(`${curated}_meta/${name}/`)} TBLPROPERTIES ('table_type' = 'ICEBERG', ` +
        Object.entries(maintenance)
          .map(([k, v]) => `${quoteString(k)} = ${quoteString(String(v))}`)
          .join(', ') +
        ')'
      );
    },
  };
}
