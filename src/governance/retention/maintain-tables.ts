import { publishedNameOf } from '#src/engines/athena/athena-table-versions.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';

/**
 * Table maintenance that makes deletes physical.
 *
 * Athena (Iceberg, merge-on-read): a DELETE writes delete files and leaves the rows in the data
 * files, which older snapshots keep as well. `OPTIMIZE … REWRITE DATA USING BIN_PACK` rewrites the
 * data files without the deleted rows; `VACUUM` expires snapshots older than the table's
 * `vacuum_max_snapshot_age_seconds` and deletes the files only they referenced
 * (https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-data-optimization.html,
 * https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html). The warehouse creates its
 * tables with that age and thresholds that rewrite a file with one delete file
 * (`icebergMaintenanceProperties`), so a deleted row is gone from every file at the first
 * maintenance after the age has passed: retention maintains what it touched, and a daily schedule
 * maintains every table.
 *
 * DuckDB: `CHECKPOINT` writes the deletes into the database file; DuckDB keeps no snapshots, but it
 * does not promise to overwrite the freed blocks, so the local file is not a place for erasure
 * guarantees (the local path is a developer's machine).
 */
export interface MaintenanceReport {
  readonly engine: QueryEngine['dialect'];
  /** Tables OPTIMIZE and VACUUM ran on (Athena); empty on DuckDB. */
  readonly tables: readonly string[];
  readonly statements: number;
}

export interface MaintainOptions {
  /**
   * Athena: set the tables' snapshot age and rewrite thresholds first (`ALTER TABLE … SET
   * TBLPROPERTIES`), so tables created before they were part of every CTAS keep the same guarantee.
   */
  readonly snapshotMaxAgeSeconds?: number;
  readonly onProgress?: (line: string) => void;
}

/** Run the engine's maintenance: OPTIMIZE then VACUUM on each table (Athena), or one CHECKPOINT (DuckDB). */
export async function maintainTables(
  engine: QueryEngine,
  tables: readonly string[],
  options: MaintainOptions = {},
): Promise<MaintenanceReport> {
  const result = await engine.maintainTables(tables, {
    ...(options.snapshotMaxAgeSeconds === undefined
      ? {}
      : { snapshotMaxAgeSeconds: options.snapshotMaxAgeSeconds }),
  });
  if (result.summary) options.onProgress?.(`  maintenance: ${result.summary}`);
  return { engine: engine.dialect, tables: result.tables, statements: result.statements };
}

/**
 * The Iceberg tables of the warehouse's schema: every table but the landing tables (external JSON
 * tables) and a swap's transient `__tmp` / `__old` tables.
 */
export async function icebergTables(engine: QueryEngine): Promise<string[]> {
  const relations = await engine.listRelations();
  const names = new Set<string>();
  for (const [name, kind] of relations) {
    if (kind !== 'table') continue;
    // On Athena a model's Iceberg table is a version under its published name's view; maintaining
    // the published name reaches the current version (older ones are dropped at the next swap).
    const table = publishedNameOf(name) ?? name;
    if (isIcebergTableName(table)) names.add(table);
  }
  return [...names].sort();
}

const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

export function isIcebergTableName(name: string): boolean {
  return PLAIN_NAME.test(name) && !name.startsWith('landing_') && !/__(tmp|old)$/.test(name);
}
