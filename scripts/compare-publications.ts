/**
 * Compare the published tables of two warehouse runs, row for row: the check that a change left
 * every KPI value as it was (e.g. this branch's `npm start` against the base commit's).
 *
 *   npx tsx scripts/compare-publications.ts <lake-a> <lake-b> [--tables kpi_values,kpi_scorecard]
 *     [--ignore kpi_version,customer_key]
 *
 * Each lake is a local lake root (`var/lake`); its current publication (published/CURRENT.json) is
 * read from its Parquet files with DuckDB. Columns named in --ignore are left out: the KPI version
 * (it hashes the definitions' text, so a refactoring may change it while no value moves) and
 * `customer_key` (a pseudonym keyed by each installation's own HMAC secret, so two lakes never agree). Doubles are
 * compared to 12 significant digits (an engine may sum in another order). Exits 1 naming each
 * table that differs, with up to five rows only one side holds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { quoteIdentifier as q, quoteString } from '#src/engines/engine-statements.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tables: {
      type: 'string',
      default:
        'kpi_values,kpi_scorecard,agent_performance,backlog_daily,contact_reasons,ticket_volume_hourly,fct_tickets,fct_satisfaction_ratings',
    },
    ignore: { type: 'string', default: 'kpi_version,customer_key' },
  },
});
if (positionals.length !== 2) {
  console.error('usage: compare-publications <lake-a> <lake-b> [--tables a,b] [--ignore col,col]');
  process.exit(2);
}
const lakes = positionals as [string, string];
const ignored = new Set(String(args.ignore).split(',').filter(Boolean));

function publicationOf(lake: string): string {
  const current = JSON.parse(readFileSync(join(lake, 'published', 'CURRENT.json'), 'utf8')) as {
    prefix: string;
  };
  return join(lake, current.prefix);
}

const engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '1GB', threads: 1 });
let differing = 0;
try {
  const [a, b] = lakes.map(publicationOf) as [string, string];
  for (const table of String(args.tables).split(',').filter(Boolean)) {
    const source = (root: string) =>
      `read_parquet(${quoteString(join(root, 'parquet', table, '**', '*.parquet'))}, hive_partitioning = false)`;
    const described = await engine.execute(`SELECT * FROM ${source(a)} LIMIT 0`);
    const typed = await engine.execute(`DESCRIBE SELECT * FROM ${source(a)}`);
    const typeOf = new Map(typed.rows.map((r) => [String(r.column_name), String(r.column_type)]));
    const columns = described.columns
      .filter((c) => !ignored.has(c))
      .map((c) =>
        typeOf.get(c) === 'DOUBLE'
          ? `round(${q(c)}, 12 - CAST(ceil(log10(abs(${q(c)}) + 1e-300)) AS INTEGER)) AS ${q(c)}`
          : q(c),
      )
      .join(', ');
    const only = async (x: string, y: string) =>
      engine.execute(`SELECT ${columns} FROM ${source(x)} EXCEPT ALL SELECT ${columns} FROM ${source(y)}`);
    const [onlyA, onlyB] = [await only(a, b), await only(b, a)];
    const rows = Number((await engine.execute(`SELECT count(*) AS n FROM ${source(a)}`)).rows[0]?.n ?? 0);
    if (onlyA.rows.length === 0 && onlyB.rows.length === 0) {
      console.log(`${table.padEnd(26)} identical (${rows} rows)`);
      continue;
    }
    differing++;
    console.log(
      `${table.padEnd(26)} DIFFERS: ${onlyA.rows.length} rows only in A, ${onlyB.rows.length} only in B`,
    );
    for (const row of onlyA.rows.slice(0, 5))
      console.log(`  A: ${JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    for (const row of onlyB.rows.slice(0, 5))
      console.log(`  B: ${JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  }
} finally {
  await engine.close();
}
process.exit(differing === 0 ? 0 : 1);
