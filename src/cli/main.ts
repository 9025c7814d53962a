#!/usr/bin/env node
import { Command } from 'commander';
import { checkEngineSettings } from '#src/config/check-engine-settings.ts';
import { ConfigError, loadConfig } from '#src/config/warehouse-config.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';

/**
 * The `warehouse` command. Each subcommand lives in `commands/<name>.ts` and exports
 * `register(program)`; this file only wires them and maps errors to exit codes.
 */
const commandModules = [
  () => import('./commands/simulate.ts'),
  () => import('./commands/extract.ts'),
  () => import('./commands/transform.ts'),
  () => import('./commands/publish.ts'),
  () => import('./commands/run.ts'),
  () => import('./commands/query.ts'),
  () => import('./commands/export.ts'),
  () => import('./commands/retention.ts'),
  () => import('./commands/audit.ts'),
  () => import('./commands/serve.ts'),
];

export async function buildProgram(): Promise<Command> {
  const program = new Command('warehouse')
    .description('Support KPI Warehouse: extract, model and publish the support KPIs of a crypto exchange')
    .option('-c, --config <file>', 'configuration file (JSON); defaults to the embedded local setup')
    .showHelpAfterError();
  for (const load of commandModules) {
    const mod: { register: (program: Command) => void } = await load();
    mod.register(program);
  }
  // Before any command that opens the engine does anything: the whole configuration, and the
  // engine settings tried on DuckDB itself (a bad memory limit would otherwise fail after extraction).
  program.hook('preAction', async (_program, action) => {
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    if (ENGINE_FREE_COMMANDS.has(top.name())) return;
    const file = program.opts<{ config?: string }>().config;
    await checkEngineSettings(loadConfig(file), file ?? 'defaults');
  });
  return program;
}

/** Commands that never open the query engine (and must work while it is misconfigured). */
const ENGINE_FREE_COMMANDS = new Set(['simulate', 'audit']);

/** Run the command line `argv` (as process.argv: node, script, args…); resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await buildProgram();
  // Commands report a non-error outcome (failed data tests, a broken chain) through process.exitCode.
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    // query and export audit every refusal before it reaches here.
    if (error instanceof AccessDeniedError) {
      console.error(error.message);
      console.error('The refusal was written to the audit log.');
      return 4;
    }
    console.error(`warehouse: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    process.exitCode = outer;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('main.ts')) {
  process.exitCode = await runCli(process.argv);
}
