import { tokenize } from './sql-tokens.ts';

/**
 * Athena has no transaction over the Glue catalog, so a table cannot be swapped by renames without
 * a moment where its name is missing, and dropping the old Iceberg table deletes the files a
 * running query reads. So on Athena a model's name is a view, `SELECT * FROM "<name>__v__<tag>"`,
 * over a versioned Iceberg table: a rebuild writes a new version and replaces the view (one
 * catalog update), and the version the view showed before stays for one more swap, so a query
 * that started on it finishes on its data. Older versions are dropped at the next swap.
 *
 * This class is the engine's picture of those versions (from information_schema, kept current by
 * the statements the engine runs); the statements read it to name versions and to know what to drop.
 */
export const VERSION_MARK = '__v__';

const versionPattern = /^(.+)__v__[a-z0-9_]+$/;

/** The published name a version table belongs to (`fct_tickets__v__run_1` → `fct_tickets`), or undefined. */
export function publishedNameOf(relation: string): string | undefined {
  return versionPattern.exec(relation.toLowerCase())?.[1];
}

/** A Glue-safe version tag from a run id (`2026-12-07T20-30-00Z` → `2026_12_07t20_30_00z`). */
export function versionTag(runId: string): string {
  const tag = runId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (tag || 'run').slice(0, 80);
}

/** The view text that publishes `version` under `name` (the only text the engine reads back as one). */
export function versionViewSelect(version: string): string {
  return `SELECT * FROM "${version}"`;
}

/** The version a view definition publishes, if it is exactly a version view of `name`. */
export function versionOfViewDefinition(name: string, definition: string): string | undefined {
  const match = /SELECT\s+\*\s+FROM\s+"?([a-z0-9_]+)"?\s*;?\s*$/i.exec(definition.trim());
  const version = match?.[1]?.toLowerCase();
  return version && publishedNameOf(version) === name.toLowerCase() ? version : undefined;
}

export class AthenaTableVersions {
  /** Published name → the version its view shows now. */
  private readonly current = new Map<string, string>();
  /** Published name → every version table in the catalog. */
  private readonly tables = new Map<string, Set<string>>();
  loaded = false;

  /** Replace the picture with the catalog's: every relation name, and each view's definition. */
  load(relations: readonly { readonly name: string; readonly viewDefinition?: string | null }[]): void {
    this.current.clear();
    this.tables.clear();
    for (const { name, viewDefinition } of relations) {
      const lower = name.toLowerCase();
      const owner = publishedNameOf(lower);
      if (owner) this.addTable(owner, lower);
      const version = viewDefinition ? versionOfViewDefinition(lower, viewDefinition) : undefined;
      if (version) this.current.set(lower, version);
    }
    this.loaded = true;
  }

  /** The version the view `name` shows, when `name` is a versioned table's view. */
  currentOf(name: string): string | undefined {
    return this.current.get(name.toLowerCase());
  }

  versionsOf(name: string): string[] {
    return [...(this.tables.get(name.toLowerCase()) ?? [])].sort();
  }

  /** A version name for this run that no table holds yet (a retried run gets `_2`, `_3`, …). */
  nextVersion(name: string, runId: string): string {
    const base = `${name.toLowerCase()}${VERSION_MARK}${versionTag(runId)}`;
    const taken = this.tables.get(name.toLowerCase()) ?? new Set<string>();
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
  }

  /** Keep the picture current after a statement succeeded (the statements this engine emits). */
  observe(sql: string): void {
    const tokens = tokenize(sql);
    const words = tokens.filter((t) => t.kind === 'word').map((t) => t.value);
    const nameAt = (i: number) => {
      const t = tokens[i];
      if (!t) return '';
      return t.kind === 'word' ? t.text.toLowerCase() : t.value.toLowerCase();
    };
    if (words[0] === 'CREATE' && words[1] === 'OR' && words[2] === 'REPLACE' && words[3] === 'VIEW') {
      const view = nameAt(4);
      const asAt = tokens.findIndex((t, i) => i > 4 && t.value === 'AS');
      const version = versionOfViewDefinition(view, sql.slice(tokens[asAt + 1]?.start ?? sql.length));
      if (version) {
        this.current.set(view, version);
        this.addTable(view, version);
      } else this.current.delete(view);
    } else if (words[0] === 'CREATE' && words[1] === 'TABLE') {
      const table = nameAt(tokens[2]?.value === 'IF' ? 5 : 2);
      const owner = publishedNameOf(table);
      if (owner) this.addTable(owner, table);
    } else if (words[0] === 'DROP' && (words[1] === 'TABLE' || words[1] === 'VIEW')) {
      const name = nameAt(tokens[2]?.value === 'IF' ? 4 : 2);
      const owner = publishedNameOf(name);
      if (owner) this.tables.get(owner)?.delete(name);
      if (words[1] === 'VIEW') this.current.delete(name);
    } else if (words[0] === 'ALTER' && words.includes('RENAME')) {
      const toAt = tokens.findIndex((t) => t.value === 'TO');
      const from = nameAt(2);
      const to = nameAt(toAt + 1);
      const fromOwner = publishedNameOf(from);
      if (fromOwner) this.tables.get(fromOwner)?.delete(from);
      const toOwner = publishedNameOf(to);
      if (toOwner) this.addTable(toOwner, to);
    }
  }

  private addTable(owner: string, table: string): void {
    let set = this.tables.get(owner);
    if (!set) {
      set = new Set();
      this.tables.set(owner, set);
    }
    set.add(table);
  }
}

const WRITE_TARGET_AFTER: Readonly<Record<string, string>> = {
  INSERT: 'INTO',
  MERGE: 'INTO',
  DELETE: 'FROM',
};

/**
 * The table a write statement names (INSERT, MERGE, UPDATE, DELETE, OPTIMIZE, VACUUM, ALTER TABLE …
 * SET), with where it stands in the text: the engine writes a published versioned name's current
 * version instead, since a view cannot be written (Iceberg snapshot isolation keeps readers of that
 * version consistent). Undefined for statements that write no table by name.
 */
export function writeTargetOf(
  sql: string,
):
  | { readonly name: string; readonly start: number; readonly end: number; readonly quote: string }
  | undefined {
  const tokens = tokenize(sql);
  const first = tokens[0];
  if (first?.kind !== 'word') return undefined;
  let at: number;
  if (first.value in WRITE_TARGET_AFTER) {
    at = tokens.findIndex((t) => t.kind === 'word' && t.value === WRITE_TARGET_AFTER[first.value]) + 1;
    if (at === 0) return undefined;
  } else if (first.value === 'UPDATE' || first.value === 'OPTIMIZE' || first.value === 'VACUUM') {
    at = 1;
  } else if (first.value === 'ALTER' && tokens[1]?.value === 'TABLE') {
    if (tokens.some((t) => t.kind === 'word' && t.value === 'RENAME')) return undefined;
    at = 2;
  } else return undefined;
  // A qualified name (`db.t`): the table is the last part.
  while (tokens[at + 1]?.value === '.' && tokens[at + 2]) at += 2;
  const token = tokens[at];
  if (!token || (token.kind !== 'word' && token.kind !== 'double-quoted' && token.kind !== 'backquoted'))
    return undefined;
  return {
    name: token.kind === 'word' ? token.text.toLowerCase() : token.value.toLowerCase(),
    start: token.start,
    end: token.start + token.text.length,
    quote: token.kind === 'double-quoted' ? '"' : token.kind === 'backquoted' ? '`' : '',
  };
}
