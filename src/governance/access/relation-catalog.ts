import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishedNameOf, versionOfViewDefinition } from '#src/engines/athena/athena-table-versions.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';

export interface CatalogRelation {
  readonly name: string;
  readonly kind: 'table' | 'view';
  readonly columns: readonly string[];
  /** Column name → engine data type (lower-case names). */
  readonly types: ReadonlyMap<string, string>;
  /** The SELECT behind a view (model file text if there is one, else the engine's definition). */
  readonly viewSql?: string;
  /** The engine's own rendering of the view, tried when the model file does not parse. */
  readonly engineViewSql?: string;
}

/** Every relation the engine has in the warehouse schema, by lower-case name. */
export type RelationCatalog = ReadonlyMap<string, CatalogRelation>;

export interface LoadCatalogOptions {
  /** Schema (DuckDB: `main`) or Athena database holding the warehouse tables; default: the engine's. */
  readonly schema?: string;
  /** Folder of the SQL models, whose view files are preferred over the engine's rendering. */
  readonly sqlDir?: string;
}

/**
 * Read the relations, their columns and view definitions from `information_schema`, which both
 * engines have. View SQL comes from the model file when there is one (Athena dialect by contract);
 * otherwise from the engine (DuckDB renders `CREATE VIEW x AS …`, stripped here).
 */
export async function loadRelationCatalog(
  engine: QueryEngine,
  options: LoadCatalogOptions = {},
): Promise<RelationCatalog> {
  const schema = (options.schema ?? engine.capabilities.defaultSchema).replaceAll("'", "''");
  const columns = await engine.execute(
    `select table_name, column_name, data_type from information_schema.columns where table_schema = '${schema}' order by table_name, ordinal_position`,
  );
  const kinds = await engine.execute(
    `select table_name, table_type from information_schema.tables where table_schema = '${schema}'`,
  );
  const views = await engine.execute(
    `select table_name, view_definition from information_schema.views where table_schema = '${schema}'`,
  );
  const modelFiles = options.sqlDir ? await findModelFiles(options.sqlDir) : new Map<string, string>();

  const byName = new Map<string, { columns: string[]; types: Map<string, string> }>();
  for (const row of columns.rows) {
    const name = String(row.table_name).toLowerCase();
    const entry = byName.get(name) ?? { columns: [], types: new Map<string, string>() };
    const column = String(row.column_name).toLowerCase();
    entry.columns.push(column);
    entry.types.set(column, String(row.data_type).toLowerCase());
    byName.set(name, entry);
  }
  const isView = new Set(
    kinds.rows
      .filter((r) => String(r.table_type).toUpperCase() === 'VIEW')
      .map((r) => String(r.table_name).toLowerCase()),
  );
  const definitions = new Map(
    views.rows.map((r): [string, string] => [
      String(r.table_name).toLowerCase(),
      String(r.view_definition ?? ''),
    ]),
  );

  const catalog = new Map<string, CatalogRelation>();
  for (const [name, entry] of byName) {
    // On Athena a table is published as a view over its current version (athena-table-versions.ts):
    // here it is that table (reads and writes by its name reach the version), and the versions
    // are no relations of their own.
    if (publishedNameOf(name)) continue;
    const view =
      (isView.has(name) || definitions.has(name)) &&
      versionOfViewDefinition(name, definitions.get(name) ?? '') === undefined;
    let viewSql: string | undefined;
    let engineViewSql: string | undefined;
    if (view) {
      const file = modelFiles.get(name);
      engineViewSql = stripCreateView(definitions.get(name) ?? '');
      viewSql = file ? await readFile(file, 'utf8') : engineViewSql;
    }
    catalog.set(name, {
      name,
      kind: view ? 'view' : 'table',
      columns: entry.columns,
      types: entry.types,
      viewSql,
      engineViewSql,
    });
  }
  return catalog;
}

/** `CREATE [OR REPLACE] [TEMP] VIEW name [(cols)] AS <select>;` → `<select>` */
export function stripCreateView(definition: string): string {
  return definition
    .replace(
      /^\s*create\s+(or\s+replace\s+)?(temp(orary)?\s+)?view\s+("[^"]+"|[\w.]+)\s*(\([^)]*\))?\s+as\s+/i,
      '',
    )
    .replace(/;\s*$/, '');
}

async function findModelFiles(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const walk = async (folder: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.sql')) found.set(entry.name.slice(0, -4).toLowerCase(), path);
    }
  };
  await walk(dir);
  return found;
}
