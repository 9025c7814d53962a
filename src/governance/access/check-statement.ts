import nodeSqlParser from 'node-sql-parser';
import {
  type ColumnClass,
  classifyTable,
  roleReadsClass,
  roleReadsColumn,
  ruleFor,
  type TableClassification,
} from './access-policy.ts';
import type { RelationCatalog } from './relation-catalog.ts';
import type { Role } from './role.ts';

const parser = new nodeSqlParser.Parser();

/** Statements are parsed as Athena SQL: the dialect of the models and of production. */
export const STATEMENT_DIALECT = 'athena';
/** View definitions the engine rendered (DuckDB) may need these after Athena fails. */
const VIEW_DIALECTS = ['athena', 'trino', 'postgresql'] as const;

/** Functions that read files, the environment or the engine's internals: never allowed in a query. */
const FORBIDDEN_FUNCTION =
  /^(read_\w+|glob|getenv|current_setting|\w+_scan|query|query_table|sniff_csv|load_\w+|duckdb_\w+|pragma_\w+|pg_\w+|system|shell)$/i;

/** A role may not read what a statement touches, or the statement is not a plain read. */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  constructor(
    readonly role: Role,
    readonly rule: string,
    readonly table: string | undefined,
    readonly column: string | undefined,
    detail: string,
    /** `detail` is already the whole message (relayed from the sandbox process). */
    verbatim = false,
  ) {
    super(
      verbatim
        ? detail
        : `Access denied for role ${role}: ${detail}. Rule: ${rule}. ` +
            'Query the KPI marts or non-personal columns, or ask the compliance role.',
    );
  }
}

export interface StatementAccess {
  /** Relations the statement names itself (CTE names removed). */
  readonly tables: readonly string[];
  /** Base relations reached through views. */
  readonly throughViews: readonly string[];
  /** Every `table.column` read, directly or through views. */
  readonly columns: readonly string[];
}

interface Touched {
  direct: Set<string>;
  viaViews: Set<string>;
  /** table → columns read (directly or through a view) */
  columns: Map<string, Set<string>>;
  /** table → the view chain it was reached through (for messages) */
  reachedVia: Map<string, string>;
}

/**
 * Resolve every table and column `sql` reads (through views, `*`, joins, subqueries and CTEs) and
 * throw `AccessDeniedError` if `role` may not read one of them. Returns what it touches, for the
 * audit. Unqualified columns are matched against every relation in scope, and `*` of a derived
 * table against all of them: when unsure it refuses, never allows.
 *
 * This is a second parser's reading of the statement, so it is only an early refusal on Athena,
 * where Lake Formation and the role's workgroup enforce the policy. It must never be what allows a
 * statement on an engine that runs the raw text (DuckDB locally: see `check-plan.ts`).
 */
export function checkStatement(sql: string, role: Role, catalog: RelationCatalog): StatementAccess {
  const rule = ruleFor(role);
  const deny = (detail: string, table?: string, column?: string): never => {
    throw new AccessDeniedError(role, rule, table, column, detail);
  };
  let parsed: nodeSqlParser.TableColumnAst;
  try {
    parsed = parser.parse(sql, { database: STATEMENT_DIALECT });
  } catch (error) {
    return deny(
      `the statement does not parse as ${STATEMENT_DIALECT} SQL, so what it reads cannot be checked (${firstLine((error as Error).message)})`,
    );
  }
  const asts = Array.isArray(parsed.ast) ? parsed.ast : [parsed.ast];
  if (asts.length !== 1) deny('only one statement at a time may be run');
  if (asts[0]?.type !== 'select')
    deny(
      `only read-only SELECT statements may be run, this is ${String(asts[0]?.type ?? 'unknown').toUpperCase()}`,
    );
  if (parsed.tableList.some((t) => !t.startsWith('select::')))
    deny('only read-only SELECT statements may be run');

  const touched: Touched = {
    direct: new Set(),
    viaViews: new Set(),
    columns: new Map(),
    reachedVia: new Map(),
  };
  // A role that reads every class and column has nothing a view could hide from it.
  const readsEverything =
    roleReadsClass(role, 'restricted') && roleReadsColumn(role, 'personal') && roleReadsColumn(role, 'text');
  collect(parsed, catalog, touched, undefined, new Set(), deny, !readsEverything);

  const classifications = new Map<string, TableClassification>();
  const classify = (table: string) => {
    let c = classifications.get(table);
    if (!c) {
      c = classifyTable(table, catalog.get(table)?.columns ?? []);
      classifications.set(table, c);
    }
    return c;
  };
  for (const table of touched.direct) {
    const c = classify(table);
    if (!roleReadsClass(role, c.class)) deny(`table ${table} is ${c.class} (${c.because})`, table);
  }
  for (const table of touched.viaViews) {
    const c = classify(table);
    if (c.class === 'restricted' && !roleReadsClass(role, 'restricted'))
      deny(
        `${touched.reachedVia.get(table)} reads table ${table}, which is restricted (${c.because})`,
        table,
      );
  }
  for (const [table, columns] of touched.columns) {
    const c = classify(table);
    for (const column of columns) {
      const cls: ColumnClass | undefined = c.sensitive.get(column);
      if (cls && !roleReadsColumn(role, cls)) {
        const via = touched.reachedVia.get(table);
        deny(
          `column ${column} of ${table} is ${cls === 'personal' ? 'personal data' : 'message text'}${via ? ` (reached through ${via})` : ''}`,
          table,
          column,
        );
      }
    }
  }
  return {
    tables: [...touched.direct].sort(),
    throughViews: [...touched.viaViews].sort(),
    columns: [...touched.columns].flatMap(([t, cs]) => [...cs].map((c) => `${t}.${c}`)).sort(),
  };
}

function collect(
  parsed: nodeSqlParser.TableColumnAst,
  catalog: RelationCatalog,
  touched: Touched,
  via: string | undefined,
  expanding: Set<string>,
  deny: (detail: string, table?: string, column?: string) => never,
  expandViews: boolean,
): void {
  const cteNames = new Set<string>();
  walk(parsed.ast, (node) => {
    const withList = (node as { with?: unknown }).with;
    if (Array.isArray(withList))
      for (const cte of withList) {
        const name = (cte as { name?: { value?: string } | string }).name;
        const value = typeof name === 'string' ? name : name?.value;
        if (value) cteNames.add(value.toLowerCase());
      }
    if ((node as { type?: unknown }).type === 'function') {
      const fn = functionName(node);
      if (fn && FORBIDDEN_FUNCTION.test(fn))
        deny(`function ${fn} reads files or engine internals and is never allowed`);
    }
  });

  const relations: string[] = [];
  for (const entry of parsed.tableList) {
    const [, db, rawName] = entry.split('::');
    const name = (rawName ?? '').toLowerCase();
    if (cteNames.has(name) && (db === 'null' || db === undefined)) continue;
    if (db && db !== 'null' && db.toLowerCase() !== 'main')
      deny(`schema ${db} is outside the warehouse and not readable`, `${db}.${name}`);
    const relation = catalog.get(name);
    if (!relation) deny(`table ${name} does not exist in the warehouse`, name);
    relations.push(name);
    if (via) {
      touched.viaViews.add(name);
      if (!touched.reachedVia.has(name)) touched.reachedVia.set(name, via);
    } else touched.direct.add(name);
  }

  const read = (table: string, column: string) => {
    const set = touched.columns.get(table) ?? new Set<string>();
    set.add(column);
    touched.columns.set(table, set);
    if (via && !touched.reachedVia.has(table)) touched.reachedVia.set(table, via);
  };
  const allColumnsOf = (table: string) => {
    for (const column of catalog.get(table)?.columns ?? []) read(table, column);
  };
  for (const entry of parsed.columnList) {
    const [, rawTable, rawColumn] = entry.split('::');
    const table = rawTable && rawTable !== 'null' ? rawTable.toLowerCase() : undefined;
    const column = (rawColumn ?? '').toLowerCase();
    const known = table !== undefined && relations.includes(table);
    if (column === '(.*)') {
      // `t.*` of a real table reads its columns; `*` or `alias.*` of a derived table or CTE may
      // read any column of any relation in the statement.
      if (known) allColumnsOf(table);
      else for (const r of relations) allColumnsOf(r);
      continue;
    }
    if (known) {
      read(table, column);
      continue;
    }
    // Unqualified, or qualified by a CTE / subquery alias: every relation in scope that has it.
    for (const r of relations) if (catalog.get(r)?.columns.includes(column)) read(r, column);
  }

  // Views are expanded to what they read, recursively; landing views are the declared base tables.
  for (const name of expandViews ? relations : []) {
    const relation = catalog.get(name);
    if (relation?.kind !== 'view' || name.startsWith('landing_')) continue;
    if (expanding.has(name)) continue;
    const chain = via ? `${via} → ${name}` : `view ${name}`;
    const inner = parseView(name, [relation.viewSql ?? '', relation.engineViewSql ?? ''], deny);
    expanding.add(name);
    collect(inner, catalog, touched, chain, expanding, deny, expandViews);
    expanding.delete(name);
  }
}

function parseView(
  name: string,
  texts: readonly string[],
  deny: (detail: string, table?: string) => never,
): nodeSqlParser.TableColumnAst {
  for (const sql of texts.filter(Boolean)) {
    for (const database of VIEW_DIALECTS) {
      try {
        const parsed = parser.parse(sql, { database });
        if (!Array.isArray(parsed.ast) || parsed.ast.length === 1) return parsed;
      } catch {
        /* try the next dialect, then the engine's rendering */
      }
    }
  }
  return deny(`the definition of view ${name} cannot be parsed, so what it reads cannot be checked`, name);
}

function functionName(node: unknown): string | undefined {
  const name = (node as { name?: unknown }).name;
  if (typeof name === 'string') return name;
  const parts = (name as { name?: { value?: string }[] } | undefined)?.name;
  if (Array.isArray(parts)) return parts.map((p) => p.value ?? '').join('.');
  return undefined;
}

function walk(node: unknown, visit: (node: object) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node !== null && typeof node === 'object') {
    visit(node);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 160);
}
