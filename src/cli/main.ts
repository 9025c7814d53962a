#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '#src/config/warehouse-config.ts';
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
  () => import('./commands/athena-local.ts'),
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
  return program;
}

async function main(): Promise<void> {
  const program = await buildProgram();
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
