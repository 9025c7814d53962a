// The Athena build alone: a fraction of the all-dialects bundle (Lambda bundles stay small).
import nodeSqlParser from 'node-sql-parser/build/athena.js';
import { cteNames, maskCommentsAndStrings } from './sql-text.ts';

const parser = new nodeSqlParser.Parser();

export interface TablesRead {
  /** Relations the query reads (lower case), CTE names excluded. */
  readonly tables: readonly string[];
  /** `parser`: node-sql-parser (Athena dialect) read the query; `tokenizer`: it could not, so names were scanned. */
  readonly method: 'parser' | 'tokenizer';
  readonly parseError?: string;
}

/**
 * The tables a model reads. node-sql-parser with `{ database: 'athena' }` reads most Trino; it
 * refuses a few valid constructs (`TIMESTAMP '…'` literals, `FILTER (WHERE …)`, `AT TIME ZONE`).
 * Then a tokenizer finds every identifier that names a known relation (`known`), outside comments
 * and strings, which is exact for our naming (models, `cfg_*`, `landing_*`). The portability test
 * still requires every model to parse.
 */
export function tablesReadBy(sql: string, known: ReadonlySet<string>): TablesRead {
  const masked = maskCommentsAndStrings(sql);
  const ctes = cteNames(masked);
  try {
    const { tableList } = parser.parse(sql, { database: 'athena' });
    const tables = new Set<string>();
    for (const entry of tableList) {
      const name = (entry.split('::').pop() ?? '').toLowerCase();
      if (name && !ctes.has(name)) tables.add(name);
    }
    return { tables: [...tables].sort(), method: 'parser' };
  } catch (error) {
    const tables = new Set<string>();
    for (const m of masked.matchAll(/[a-z_][a-z0-9_]*/gi)) {
      const name = m[0].toLowerCase();
      if (known.has(name) && !ctes.has(name)) tables.add(name);
    }
    return {
      tables: [...tables].sort(),
      method: 'tokenizer',
      parseError: (error as Error).message.slice(0, 300),
    };
  }
}
