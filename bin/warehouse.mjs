#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the repository needs no build step.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(
  process.execPath,
  // Resolved from this file, not the caller's folder: the command works from any directory.
  ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...process.argv.slice(2)],
  // Its own process group: a Ctrl-C at the terminal reaches the CLI once, through this wrapper,
  // so "Ctrl-C stops at the next checkpoint, a second one quits at once" still holds.
  { stdio: 'inherit', detached: process.platform !== 'win32' },
);

// Stopping the wrapper stops the command and everything it started (a served simulator, a run):
// each signal is passed on, and the wrapper leaves only once the command has.
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
for (const signal of forwarded) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (error) => {
  console.error(`warehouse: could not start the CLI: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Ended by a signal: report it the way a shell does (128 + its number).
    process.exit(128 + (constants.signals[signal] ?? 0));
  }
  process.exit(code ?? 1);
});
