#!/usr/bin/env node
import { Command } from 'commander';
import { exitCodeFor, formatCliError } from './cli-errors.ts';

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
    .option('-v, --verbose', 'print the stack of an error, not only its message')
    // Usage errors throw (commander has printed them) so they leave with the documented exit code.
    .exitOverride()
    .showHelpAfterError();
  for (const load of commandModules) {
    const mod: { register: (program: Command) => void } = await load();
    mod.register(program);
  }
  return program;
}

/** A reader that stopped reading (`warehouse audit show | head`) ends the output, not the command with a stack. */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function main(): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const program = await buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    const code = exitCodeFor(error);
    process.exitCode = code;
    // commander printed its own usage errors (and help) already.
    if (error instanceof Error && ['CommanderError', 'InvalidArgumentError'].includes(error.name)) return;
    console.error(formatCliError(error, program.opts<{ verbose?: boolean }>().verbose === true));
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('main.ts')) {
  await main();
}
