#!/usr/bin/env node
import { Command } from 'commander';
import { checkEngineSettings } from '#src/config/check-engine-settings.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { exitCodeFor, formatCliError } from './cli-errors.ts';

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
  'athena-local': () => import('./commands/athena-local.ts'),
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
    .option('-v, --verbose', 'print the stack of an error, not only its message')
    // Usage errors throw (commander has printed them) so they leave with the documented exit code.
    .exitOverride()
    .showHelpAfterError();
  const name = requestedCommand(argv);
  const wanted =
    name !== undefined && Object.hasOwn(commandModules, name)
      ? [commandModules[name]!]
      : Object.values(commandModules);
  for (const load of wanted) (await load()).register(program);
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
const ENGINE_FREE_COMMANDS = new Set(['simulate', 'audit', 'athena-local']);

/** A reader that stopped reading (`warehouse audit show | head`) ends the output, not the command with a stack. */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Run the command line `argv` (as process.argv: node, script, args…); resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
  // Commands report a non-error outcome (failed data tests, a broken chain) through process.exitCode.
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const code = exitCodeFor(error);
    // commander printed its own usage errors (and help) already.
    if (!(error instanceof Error && ['CommanderError', 'InvalidArgumentError'].includes(error.name)))
      console.error(formatCliError(error, program.opts<{ verbose?: boolean }>().verbose === true));
    return code;
  } finally {
    process.exitCode = outer;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('main.ts')) {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  process.exitCode = await runCli(process.argv);
}
