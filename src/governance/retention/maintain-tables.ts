import { icebergMaintenanceProperties } from '#src/engines/athena/athena-statements.ts';
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

const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

export interface MaintainOptions {
  /**
   * Athena: set the tables' snapshot age and rewrite thresholds first (`ALTER TABLE … SET
   * TBLPROPERTIES`), so tables created before they were part of every CTAS keep the same guarantee.
   */
  readonly snapshotMaxAgeSeconds?: number;
  readonly onProgress?: (line: string) => void;
}

/** Run OPTIMIZE then VACUUM on each table (Athena), or one CHECKPOINT (DuckDB). */
export async function maintainTables(
  engine: QueryEngine,
  tables: readonly string[],
  options: MaintainOptions = {},
): Promise<MaintenanceReport> {
  const onProgress = options.onProgress ?? (() => {});
  if (engine.dialect === 'duckdb') {
    await engine.execute('CHECKPOINT');
    onProgress('  maintenance: DuckDB CHECKPOINT');
    return { engine: engine.dialect, tables: [], statements: 1 };
  }
  const done: string[] = [];
  let statements = 0;
  const properties =
    options.snapshotMaxAgeSeconds === undefined
      ? undefined
      : Object.entries(icebergMaintenanceProperties(options.snapshotMaxAgeSeconds))
          .map(([k, v]) => `'${k}' = '${v}'`)
          .join(', ');
  for (const table of [...new Set(tables)].sort()) {
    // Unquoted: VACUUM takes backticks, not double quotes, and our table names need neither.
    if (!PLAIN_NAME.test(table)) throw new Error(`maintenance: not a plain table name: ${table}`);
    if (properties) {
      await engine.execute(`ALTER TABLE ${table} SET TBLPROPERTIES (${properties})`);
      statements++;
    }
    await engine.execute(`OPTIMIZE ${table} REWRITE DATA USING BIN_PACK`);
    await engine.execute(`VACUUM ${table}`);
    statements += 2;
    done.push(table);
  }
  if (done.length > 0) onProgress(`  maintenance: OPTIMIZE + VACUUM on ${done.length} tables`);
  return { engine: engine.dialect, tables: done, statements };
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

export function isIcebergTableName(name: string): boolean {
  return PLAIN_NAME.test(name) && !name.startsWith('landing_') && !/__(tmp|old)$/.test(name);
}
