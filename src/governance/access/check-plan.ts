import {
  type ColumnClass,
  classifyTable,
  roleReadsClass,
  roleReadsColumn,
  ruleFor,
  type TableClassification,
  textRows,
} from './access-policy.ts';
import { AccessDeniedError } from './check-statement.ts';
import type { Role } from './role.ts';

/** What DuckDB says a statement reads, from its own parser and its own plan. */
export interface StatementAnalysis {
  /** Relations named in the statement (DuckDB's parse tree, CTE names removed). */
  readonly named: readonly { readonly catalog: string; readonly schema: string; readonly name: string }[];
  /** Table functions named in the statement (`read_text`, `range`, …), lower case. */
  readonly tableFunctions: readonly string[];
  /** Views reached from the named relations, each with the chain that reached it. */
  readonly views: ReadonlyMap<string, string>;
  /** Relations (views and tables) reached through views, with the chain that reached them. */
  readonly throughViews: ReadonlyMap<string, string>;
  /** Tables the physical plan scans, with the columns each scan reads. */
  readonly scans: ReadonlyMap<string, ReadonlySet<string>>;
  /** Catalog/schema-qualified tables in the plan outside the warehouse (never allowed). */
  readonly foreignScans: readonly string[];
  /** Function scans in the plan (READ_JSON of a landing view, RANGE, …), upper case. */
  readonly functionScans: readonly string[];
}

export interface SandboxRelation {
  readonly name: string;
  readonly kind: 'table' | 'view';
  readonly columns: readonly string[];
  readonly viewSql?: string;
}

/** Table functions that read no data of anyone: generated rows and list expansion. */
const HARMLESS_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);
/** Function scans a plan may hold: the harmless ones, and the file readers of the warehouse's own views. */
const HARMLESS_FUNCTION_SCANS = new Set(['RANGE', 'GENERATE_SERIES', 'UNNEST']);
const VIEW_FILE_SCANS = new Set([
  'READ_JSON',
  'READ_JSON_AUTO',
  'READ_NDJSON',
  'READ_PARQUET',
  'PARQUET_SCAN',
]);

/** What a role query reads, as DuckDB planned it: what the audit entry names. */
export interface PlannedAccess {
  /** Relations the statement names. */
  readonly tables: readonly string[];
  /** Relations reached through views. */
  readonly throughViews: readonly string[];
  /** `table.column` of every column the plan scans. */
  readonly columns: readonly string[];
  /** Function scans in the plan (files read by the warehouse's own landing views, `RANGE`, …). */
  readonly functionScans: readonly string[];
}

/**
 * Decide whether `role` may run a statement, from DuckDB's own analysis of it (`StatementAnalysis`):
 * what it names, the views behind those names, and the tables and columns its plan scans. Throws
 * `AccessDeniedError` naming the first relation or column the role may not read; fails closed on
 * anything it does not recognise (a table function, a scan outside the warehouse, an unknown name).
 */
export function checkPlannedAccess(
  role: Role,
  analysis: StatementAnalysis,
  catalog: ReadonlyMap<string, SandboxRelation>,
): PlannedAccess {
  const rule = ruleFor(role);
  const deny = (detail: string, table?: string, column?: string): never => {
    throw new AccessDeniedError(role, rule, table, column, detail);
  };
  const classifications = new Map<string, TableClassification>();
  const classify = (table: string): TableClassification => {
    let c = classifications.get(table);
    if (!c) {
      c = classifyTable(table, catalog.get(table)?.columns ?? []);
      classifications.set(table, c);
    }
    return c;
  };

  for (const fn of analysis.tableFunctions)
    if (!HARMLESS_TABLE_FUNCTIONS.has(fn))
      deny(`table function ${fn} reads files or engine internals and is never allowed`, fn);
  for (const scan of analysis.foreignScans) deny(`${scan} is outside the warehouse and not readable`, scan);

  const direct = new Set<string>();
  for (const r of analysis.named) {
    const name = r.name.toLowerCase();
    if ((r.catalog !== '' && r.catalog !== 'wh') || (r.schema !== '' && r.schema.toLowerCase() !== 'main')) {
      const qualified = [r.catalog, r.schema, r.name].filter(Boolean).join('.').toLowerCase();
      deny(`${qualified} is outside the warehouse and not readable`, qualified);
    }
    if (!catalog.has(name)) deny(`table ${name} does not exist in the warehouse`, name);
    direct.add(name);
    const c = classify(name);
    if (!roleReadsClass(role, c.class)) deny(`table ${name} is ${c.class} (${c.because})`, name);
  }

  const readsFilesThroughViews = analysis.functionScans.some((f) => VIEW_FILE_SCANS.has(f));
  for (const [name, chain] of analysis.throughViews) {
    const c = classify(name);
    if (c.class === 'restricted' && !roleReadsClass(role, 'restricted'))
      deny(`${chain} reads table ${name}, which is restricted (${c.because})`, name);
    // Landing views read files; a role that may not read landing may not read them through a view.
    if (readsFilesThroughViews && name.startsWith('landing_') && !roleReadsClass(role, c.class))
      deny(`${chain} reads ${name}, which is ${c.class} (${c.because})`, name);
  }

  for (const fn of analysis.functionScans) {
    if (HARMLESS_FUNCTION_SCANS.has(fn)) continue;
    if (VIEW_FILE_SCANS.has(fn) && analysis.tableFunctions.length === 0 && analysis.views.size > 0) continue;
    deny(`the plan reads ${fn}, which is not a warehouse relation`, fn);
  }

  const columns: string[] = [];
  for (const [table, read] of analysis.scans) {
    if (!catalog.has(table)) deny(`table ${table} does not exist in the warehouse`, table);
    const c = classify(table);
    const via = analysis.throughViews.get(table);
    if (!direct.has(table) && via === undefined && !roleReadsClass(role, c.class))
      deny(`table ${table} is ${c.class} (${c.because})`, table);
    if (c.class === 'restricted' && !roleReadsClass(role, 'restricted'))
      deny(`table ${table} is restricted (${c.because})`, table);
    for (const column of read) {
      const cls: ColumnClass | undefined = c.sensitive.get(column);
      if (cls && !roleReadsColumn(role, cls))
        deny(
          `column ${column} of ${table} is ${cls === 'personal' ? 'personal data' : 'message text'}${via ? ` (reached through ${via})` : ''}`,
          table,
          column,
        );
      columns.push(`${table}.${column}`);
    }
  }

  return {
    tables: [...direct].sort(),
    throughViews: [...analysis.throughViews.keys()].filter((t) => !direct.has(t)).sort(),
    columns: [...new Set(columns)].sort(),
    functionScans: [...new Set(analysis.functionScans)].sort(),
  };
}

/**
 * The checks a plan still needs against the data: a scan of a column that holds message text on
 * some rows (`textRows`) by a role without `text` is allowed only while no such row has a value —
 * a fact built before the text was withheld upstream is refused until it is rebuilt.
 */
export function textRowChecks(
  role: Role,
  access: PlannedAccess,
): { readonly table: string; readonly columns: readonly string[]; readonly sql: string }[] {
  if (roleReadsColumn(role, 'text')) return [];
  const checks: { table: string; columns: string[]; sql: string }[] = [];
  for (const [table, rows] of Object.entries(textRows)) {
    const read = rows.columns.filter((c) => access.columns.includes(`${table}.${c}`));
    if (read.length === 0) continue;
    checks.push({
      table,
      columns: read,
      sql: `SELECT count(*) FROM ${table} WHERE (${rows.textWhen}) AND (${read.map((c) => `${c} IS NOT NULL`).join(' OR ')})`,
    });
  }
  return checks;
}

/** Refuse a plan whose text-row check found message text. */
export function denyTextRows(role: Role, table: string, column: string, found: number): never {
  throw new AccessDeniedError(
    role,
    ruleFor(role),
    table,
    column,
    `column ${column} of ${table} holds message text in ${found} free-text field-change rows ` +
      `(built before subjects were withheld; rebuild ${table} with --full-refresh)`,
  );
}
