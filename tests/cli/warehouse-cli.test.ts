import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
  it('lists every subcommand in its help', async () => {
    const { code, stdout } = await warehouse(['--help']);
    expect(code).toBe(0);
    for (const name of subcommands) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it.each(subcommands)('explains %s with --help', async (name) => {
    const { code, stdout } = await warehouse([name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: warehouse ${name}`);
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
