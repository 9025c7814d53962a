import {
  type EngineStatements,
  mergeStatement,
  quoteIdentifier as q,
  quoteString,
  replacePartitionsStatement,
  sqlTypeOf,
  valuesQuery,
} from '#src/engines/engine-statements.ts';
import { duckDbLandingType, LANDING_PARTITION, newSourceName } from '#src/engines/landing-sources.ts';
import type { LandingStream } from '#src/landing/landing-schemas.ts';
import { landingTableName } from '#src/landing/landing-schemas.ts';

/** A typed relation over these landing files; a typed empty relation when there are none. */
function landingSelect(stream: LandingStream, files: readonly string[]): string {
  const names = Object.keys(stream.columns);
  if (files.length === 0) {
    const typed = names.map(
      (n) => `CAST(NULL AS ${duckDbLandingType[stream.columns[n]?.type ?? 'varchar']}) AS ${q(n)}`,
    );
    return `SELECT ${[...typed, `CAST(NULL AS VARCHAR) AS ${LANDING_PARTITION}`].join(', ')} WHERE 1 = 0`;
  }
  const columns = names.map(
    (n) => `${quoteString(n)}: ${quoteString(duckDbLandingType[stream.columns[n]?.type ?? 'varchar'])}`,
  );
  return (
    `SELECT ${[...names.map(q), LANDING_PARTITION].join(', ')} FROM read_json([${files.map(quoteString).join(', ')}], ` +
    `format = 'newline_delimited', columns = {${columns.join(', ')}}, ` +
    `hive_partitioning = true, hive_types = {'${LANDING_PARTITION}': 'VARCHAR'})`
  );
}

/**
 * DuckDB: landing sources are views over explicit file lists (the listing the transform saw),
 * tables are built beside the old one and swapped in one transaction, incremental models MERGE.
 */
export const duckDbStatements: EngineStatements = {
  landingSources({ stream, allFiles, newFiles }) {
    return [
      `CREATE OR REPLACE VIEW ${q(landingTableName(stream))} AS ${landingSelect(stream, allFiles)}`,
      `CREATE OR REPLACE VIEW ${q(newSourceName(stream))} AS ${landingSelect(stream, newFiles)}`,
    ];
  },

  seedTable({ name, columns, rows }) {
    return [`CREATE OR REPLACE TABLE ${q(name)} AS ${valuesQuery(columns, rows)}`];
  },

  createView({ name, sql, existing }) {
    const view = `CREATE OR REPLACE VIEW ${q(name)} AS ${sql}`;
    if (existing !== 'table') return [view];
    return ['BEGIN TRANSACTION', `DROP TABLE ${q(name)}`, view, 'COMMIT'];
  },

  replaceTable({ name, sql, existing }) {
    const tmp = `${name}__tmp`;
    return [
      `DROP TABLE IF EXISTS ${q(tmp)}`,
      `CREATE TABLE ${q(tmp)} AS ${sql}`,
      'BEGIN TRANSACTION',
      ...(existing === 'table'
        ? [`DROP TABLE ${q(name)}`]
        : existing === 'view'
          ? [`DROP VIEW ${q(name)}`]
          : []),
      `ALTER TABLE ${q(tmp)} RENAME TO ${q(name)}`,
      'COMMIT',
    ];
  },

  createDelta({ deltaName, sql }) {
    return [`CREATE OR REPLACE TABLE ${q(deltaName)} AS ${sql}`];
  },

  merge: mergeStatement,

  replacePartitions: replacePartitionsStatement,

  dropTable(name) {
    return `DROP TABLE IF EXISTS ${q(name)}`;
  },

  createTableIfMissing(name, columns) {
    const defs = Object.entries(columns).map(([c, t]) => `${q(c)} ${sqlTypeOf[t]}`);
    return `CREATE TABLE IF NOT EXISTS ${q(name)} (${defs.join(', ')})`;
  },
};
