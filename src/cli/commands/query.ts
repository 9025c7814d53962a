import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '#src/cli/cli-errors.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import type { Row } from '#src/engines/query-engine.ts';
import { roleSchema } from '#src/governance/access/role.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { createStatementArchive } from '#src/governance/audit/statement-archive.ts';
import { type RoleQueryResult, runQueryAsRole } from '#src/governance/query/run-query-as-role.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/** `warehouse query --role ROLE "SQL"`: a read-only statement checked against the access policy. */
export function register(program: Command): void {
  program
    .command('query')
    .description(
      'run one read-only SELECT as a role (locally in a read-only DuckDB sandbox with the Trino macros, Athena in AWS); refused and audited if it reads what the role may not',
    )
    .requiredOption('-r, --role <role>', `analyst, compliance, engineer or pipeline`)
    .option('--as <actor>', 'who is asking, for the audit log (default: the OS user)')
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--sql-dir <dir>', 'folder of the SQL models (view definitions; Athena pre-check only)', 'sql')
    .argument('<sql>', 'the statement')
    .action(async (sql: string, options: { role: string; as?: string; format: string; sqlDir: string }) => {
      const role = roleSchema.safeParse(options.role);
      if (!role.success)
        throw new UsageError(`--role must be one of ${roleSchema.options.join(', ')}, got "${options.role}"`);
      if (!['table', 'csv', 'json'].includes(options.format))
        throw new UsageError(`--format must be table, csv or json, got "${options.format}"`);
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const audit = createAuditLog(config, { actor: options.as });
      const statements = createStatementArchive(config);
      let result: RoleQueryResult;
      if (config.engine.kind === 'duckdb') {
        // Locally the warehouse file is only ever opened read-only, in the sandbox process.
        result = await runQueryAsRole({
          duckdb: {
            database: resolve(config.engine.database),
            allowedDirectories: config.lake.kind === 'local' ? [resolve(config.lake.root, 'landing')] : [],
          },
          audit,
          statements,
          role: role.data,
          sql,
          actor: options.as,
        });
      } else {
        const store = createObjectStore(config.lake);
        const engine = await createQueryEngine(config, store);
        try {
          result = await runQueryAsRole({
            engine,
            audit,
            statements,
            role: role.data,
            sql,
            actor: options.as,
            sqlDir: options.sqlDir,
            schema: config.engine.database,
          });
        } finally {
          await engine.close();
        }
      }
      print(result.columns, result.rows, options.format);
      if (result.truncated)
        console.error(`result cut off at ${result.rows.length} rows (the row budget of role ${role.data})`);
      if (options.format === 'table')
        console.error(
          `${result.rows.length} rows; audited (statement sha256 ${result.statementHash.slice(0, 12)}…)`,
        );
    });
}

function print(columns: readonly string[], rows: readonly Row[], format: string): void {
  if (format === 'json') {
    for (const row of rows) console.log(JSON.stringify(row));
    return;
  }
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (format === 'csv') {
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    console.log(columns.map(quote).join(','));
    for (const row of rows) console.log(columns.map((c) => quote(cell(row[c]))).join(','));
    return;
  }
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (values: string[]) => values.map((v, i) => v.slice(0, 60).padEnd(widths[i]!)).join('  ');
  console.log(line([...columns]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))));
}
