import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The Athena build alone: a fraction of the all-dialects bundle (Lambda bundles stay small).
import nodeSqlParser from 'node-sql-parser/build/athena.js';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { Model } from './load-models.ts';
import { lineOf, maskCommentsAndStrings } from './sql-text.ts';

const parser = new nodeSqlParser.Parser();

/** The Trino function list kept in the repository. */
export const TRINO_FUNCTIONS_FILE = fileURLToPath(
  new URL('../../sql/functions/trino-functions.txt', import.meta.url),
);

export interface FunctionList {
  /** Trino functions models may call (if DuckDB has them too). */
  readonly allowed: ReadonlySet<string>;
  /** Trino functions models must not call, with the reason. */
  readonly forbidden: ReadonlyMap<string, string>;
}

export function readFunctionList(file = TRINO_FUNCTIONS_FILE): FunctionList {
  const allowed = new Set<string>();
  const forbidden = new Map<string, string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      const [name = '', ...reason] = line.slice(1).split(/\s+/);
      forbidden.set(name.toLowerCase(), reason.join(' '));
    } else {
      allowed.add(line.toLowerCase());
    }
  }
  return { allowed, forbidden };
}

/**
 * Calls DuckDB evaluates as special forms, so `duckdb_functions()` does not list them
 * (tests/engines/duckdb/duckdb-macros.test.ts evaluates each).
 */
export const DUCKDB_SPECIAL_FORMS: readonly string[] = [
  'coalesce',
  'if',
  'current_timestamp',
  'localtimestamp',
  'try_cast',
];

/** Every function DuckDB can call in this engine: built-ins, special forms and our compatibility macros. */
export async function duckDbFunctionNames(engine: QueryEngine): Promise<Set<string>> {
  const result = await engine.execute('SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions()');
  return new Set([...result.rows.map((r) => String(r.name)), ...DUCKDB_SPECIAL_FORMS]);
}

/**
 * node-sql-parser's Athena grammar lacks two valid Trino constructs that DuckDB also has:
 * `try_cast(x AS t)` (parsed as `cast`, reported as a call of `try_cast`) and
 * `IS [NOT] DISTINCT FROM` (parsed as `=` / `<>`). Replacements keep every offset, so lines stay true.
 */
export function normaliseForParser(sql: string): { sql: string; extraCalls: string[] } {
  const masked = maskCommentsAndStrings(sql);
  const extraCalls: string[] = [];
  let out = sql;
  for (const m of masked.matchAll(/\btry_cast\s*\(/gi)) {
    extraCalls.push('try_cast');
    out = `${out.slice(0, m.index)}    cast${out.slice(m.index + 8)}`;
  }
  // `a IS [NOT] DISTINCT FROM b` (standard, in Trino and DuckDB): a comparison for the parser's purposes.
  for (const m of masked.matchAll(/\bis\s+(not\s+)?distinct\s+from\b/gi)) {
    const operator = m[1] ? '=' : '<>';
    out = `${out.slice(0, m.index)}${operator.padEnd(m[0].length)}${out.slice(m.index + m[0].length)}`;
  }
  return { sql: out, extraCalls };
}

export interface PortabilityProblem {
  readonly model: string;
  readonly file: string;
  readonly line: number;
  readonly function?: string;
  readonly problem: string;
}

/** Names of every function the query calls, from the Athena-dialect AST. */
export function functionsCalled(ast: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; name?: unknown };
    if (n.type === 'function' && n.name && typeof n.name === 'object') {
      const parts = (n.name as { name?: { value?: string }[] }).name ?? [];
      const last = parts[parts.length - 1]?.value;
      if (last) names.add(last.toLowerCase());
    } else if (n.type === 'aggr_func' && typeof n.name === 'string') {
      names.add(n.name.toLowerCase());
    }
    for (const [key, value] of Object.entries(node)) {
      // `AS k (n)` after VALUES comes back as a function-shaped alias: an alias is no call.
      if (key === 'as') continue;
      walk(value);
    }
  };
  walk(ast);
  return names;
}

/** First line of the model where `name(` is called, outside comments and strings. */
function lineOfCall(model: Model, name: string): number {
  const masked = maskCommentsAndStrings(model.sql);
  const match = new RegExp(`\\b${name}\\s*\\(`, 'i').exec(masked);
  return match ? lineOf(masked, match.index) : 1;
}

/**
 * Whether a model runs unchanged on Athena and DuckDB: it parses with the Athena-dialect parser,
 * and every function it calls is in the Trino list, not forbidden, and present in DuckDB.
 */
export function checkPortability(
  model: Model,
  list: FunctionList,
  duckdb: ReadonlySet<string>,
): PortabilityProblem[] {
  let ast: unknown;
  const normalised = normaliseForParser(model.sql);
  try {
    ast = parser.astify(normalised.sql, { database: 'athena' });
  } catch (error) {
    const location = (error as { location?: { start?: { line?: number } } }).location;
    return [
      {
        model: model.name,
        file: model.file,
        line: location?.start?.line ?? 1,
        problem: `does not parse as Athena SQL: ${(error as Error).message.slice(0, 200)}`,
      },
    ];
  }
  const problems: PortabilityProblem[] = [];
  const called = functionsCalled(ast);
  for (const extra of normalised.extraCalls) called.add(extra);
  for (const name of [...called].sort()) {
    const at = { model: model.name, file: model.file, function: name, line: lineOfCall(model, name) };
    const reason = list.forbidden.get(name);
    if (reason !== undefined) {
      problems.push({ ...at, problem: `calls ${name}(), which differs between engines: ${reason}` });
    } else if (!list.allowed.has(name)) {
      problems.push({ ...at, problem: `calls ${name}(), which is not in sql/functions/trino-functions.txt` });
    } else if (!duckdb.has(name)) {
      problems.push({ ...at, problem: `calls ${name}(), which DuckDB has neither natively nor as a macro` });
    }
  }
  return problems;
}
