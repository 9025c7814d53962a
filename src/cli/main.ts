#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '#src/config/warehouse-config.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';

/**
 * The `warehouse` command. Each subcommand lives in `commands/<name>.ts` and exports
 * `register(program)`; this file only wires them and maps errors to exit codes.
 *
 * A command's module pulls in what it runs (DuckDB, the AWS SDK, the simulator), so only the
 * requested one is loaded; the overall help (no command, or one we do not know) loads them all.
 */
const commandModules: Record<string, () => Promise<{ register: (program: Command) => void }>> = {
  simulate: () => import('./commands/simulate.ts'),
  extract: () => import('./commands/extract.ts'),
  transform: () => import('./commands/transform.ts'),
  publish: () => import('./commands/publish.ts'),
  run: () => import('./commands/run.ts'),
  query: () => import('./commands/query.ts'),
  export: () => import('./commands/export.ts'),
  retention: () => import('./commands/retention.ts'),
  audit: () => import('./commands/audit.ts'),
  serve: () => import('./commands/serve.ts'),
};

/** The global options that take a value, so the command name is found after them. */
const globalOptionsWithValue = new Set(['-c', '--config']);

/** The subcommand named on the command line (`argv` without node and script), if any. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (globalOptionsWithValue.has(arg)) {
      i += 1;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('warehouse')
    .description('Support KPI Warehouse: extract, model and publish the support KPIs of a crypto exchange')
    .option('-c, --config <file>', 'configuration file (JSON); defaults to the embedded local setup')
    .showHelpAfterError();
  const name = requestedCommand(argv);
  const wanted =
    name !== undefined && Object.hasOwn(commandModules, name)
      ? [commandModules[name]!]
      : Object.values(commandModules);
  for (const load of wanted) (await load()).register(program);
  return program;
}

async function main(): Promise<void> {
  const program = await buildProgram(process.argv.slice(2));
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    // query and export audit every refusal before it reaches here.
    if (error instanceof AccessDeniedError) {
      console.error(error.message);
      console.error('The refusal was written to the audit log.');
      process.exitCode = 4;
      return;
    }
    console.error(`warehouse: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('main.ts')) {
  await main();
}
