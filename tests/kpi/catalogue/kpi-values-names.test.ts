import { readFileSync } from 'node:fs';
import nodeSqlParser from 'node-sql-parser/build/athena.js';
import { describe, expect, it } from 'vitest';
import { kpiNames } from '#src/kpi/catalogue/kpi-catalogue.ts';
import { normaliseForParser } from '#src/models/model-portability.ts';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;
const literal = (expr: unknown): string | undefined =>
  isNode(expr) && expr.type === 'single_quote_string' && typeof expr.value === 'string'
    ? expr.value
    : undefined;

/**
 * The string literals a query puts in a column named `kpi`, read from the Athena-dialect AST:
 * in every select (and each `union` branch after it, by position) whose column is aliased `kpi`,
 * and in every `values (…) as t (…, kpi, …)` list. A `kpi = '…'` comparison is a reference, not a
 * name the model computes, and is not counted.
 */
function kpiLiterals(sql: string): Set<string> {
  const { Parser } = nodeSqlParser as unknown as {
    Parser: new () => { astify(s: string, o: object): unknown };
  };
  const ast = new Parser().astify(normaliseForParser(sql).sql, { database: 'athena' });
  const names = new Set<string>();
  const add = (value: string | undefined) => value !== undefined && names.add(value);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (!isNode(node)) return;
    if (node.type === 'select' && Array.isArray(node.columns)) {
      const position = node.columns.findIndex((c) => isNode(c) && c.as === 'kpi');
      if (position >= 0) {
        for (let branch: unknown = node; isNode(branch); branch = branch._next) {
          const column = (branch.columns as unknown[] | undefined)?.[position];
          add(literal(isNode(column) ? column.expr : undefined));
        }
      }
    }
    const values = isNode(node.expr) && node.expr.type === 'values' ? node.expr : undefined;
    const alias = isNode(node.as) ? node.as : undefined;
    if (values && alias && isNode(alias.args) && Array.isArray(alias.args.value)) {
      const position = alias.args.value.findIndex((c) => isNode(c) && c.column === 'kpi');
      for (const row of (values.values as unknown[]) ?? []) {
        if (position >= 0 && isNode(row) && Array.isArray(row.value)) add(literal(row.value[position]));
      }
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'loc') walk(child);
  };
  walk(ast);
  return names;
}

describe('the KPI names kpi_values computes', () => {
  const sql = readFileSync(new URL('../../../sql/marts/kpi/kpi_values.sql', import.meta.url), 'utf8');

  it('are exactly the published names of the KPI catalogue', () => {
    // Act
    const computed = kpiLiterals(sql);

    // Assess
    expect([...computed].sort()).toEqual([...kpiNames].sort());
  });

  it('are found in every place a query can name one: an aliased column, a union branch, a values list', () => {
    // Prepare
    const query = `with a as (select 1 as n, 'first' as kpi from t union all select 2, 'second' from t),
      b as (select k.kpi from t cross join (values ('third', 1), ('fourth', 2)) as k (kpi, w)
            where k.kpi = 'not_computed')
      select * from a`;

    // Act
    const computed = kpiLiterals(query);

    // Assess
    expect([...computed].sort()).toEqual(['first', 'fourth', 'second', 'third']);
  });
});
