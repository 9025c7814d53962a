import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildProgram, requestedCommand } from '#src/cli/main.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/warehouse.mjs');

async function warehouse(
  args: string[],
  cwd = root,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const subcommands = [
  'run',
  'simulate',
  'extract',
  'transform',
  'publish',
  'serve',
  'query',
  'export',
  'retention',
  'audit',
  'athena-local',
];

describe('the warehouse command', () => {
  it('lists every subcommand in its help, run as a process through bin/warehouse.mjs', async () => {
    const { code, stdout } = await warehouse(['--help']);
    expect(code).toBe(0);
    for (const name of subcommands) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it.each(subcommands)('explains %s with --help', async (name) => {
    // In process: the same program the binary builds, loading only the command asked for.
    const program = await buildProgram([name, '--help']);
    expect(program.commands.map((c) => c.name())).toEqual([name]);
    expect(program.commands[0]!.helpInformation()).toContain(`Usage: warehouse ${name}`);
  });

  it('finds the command after the global options, whatever their form', () => {
    expect(requestedCommand(['-c', 'my.json', 'run', '--full-refresh'])).toBe('run');
    expect(requestedCommand(['--config', 'run.json', 'query', 'select 1'])).toBe('query');
    expect(requestedCommand(['--config=x.json', 'audit', 'verify'])).toBe('audit');
    expect(requestedCommand(['--help'])).toBeUndefined();
  });

  it('stops on an invalid configuration before writing anything, naming the field', async () => {
    // Prepare: a configuration whose lake is in a fresh folder, with a bad base URL
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'warehouse.json');
    writeFileSync(
      file,
      JSON.stringify({
        lake: { kind: 'local', root: join(dir, 'lake') },
        stateDir: join(dir, 'state'),
        sources: { zendesk: { baseUrl: 'zendesk.example' } },
      }),
    );
    // Act
    const { code, stderr } = await warehouse(['--config', file, 'run'], dir);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('sources.zendesk.baseUrl');
    expect(readdirSync(dir)).toEqual(['warehouse.json']);
    expect(existsSync(join(dir, 'lake'))).toBe(false);
  });
});
