import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';

/*
 * The command as a person and a script meet it: one-line errors with documented exit codes,
 * output into a closed pipe, and a wrapper that stops everything it started.
 */
const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/warehouse.mjs');

function workspace(): { dir: string; config: string; stateDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-behaviour-'));
  const stateDir = join(dir, 'state');
  const config = join(dir, 'warehouse.json');
  writeFileSync(
    config,
    JSON.stringify({
      lake: { kind: 'local', root: join(dir, 'lake') },
      engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb') },
      stateDir,
    }),
  );
  return { dir, config, stateDir };
}

async function warehouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: root, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const stackLine = /^\s+at /m;

describe('export arguments', () => {
  it.each([
    [['--customer', 'not-an-email'], /--customer must be an e-mail address/],
    [
      ['--from', '2026-09-01', '--to', '2026-08-01'],
      /--from \(2026-09-01\) must be before --to \(2026-08-01\)/,
    ],
    [['--from', '2026-02-30', '--to', '2026-03-01'], /--from must be a calendar date/],
  ])(
    '%j is refused in one line with exit code 2, before anything is written',
    async (args, message) => {
      const { dir, config, stateDir } = workspace();

      const { code, stdout, stderr } = await warehouse(['--config', config, 'export', ...args]);

      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(stackLine);
      expect(stdout).toBe('');
      expect(existsSync(stateDir)).toBe(false);
      expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(false);
    },
    120_000,
  );
});

describe('errors', () => {
  it('show the stack only with --verbose', async () => {
    const { config } = workspace();

    const plain = await warehouse(['--config', config, 'audit', 'show', '--tail', 'x']);
    const verbose = await warehouse(['--config', config, '--verbose', 'audit', 'show', '--tail', 'x']);

    expect([plain.code, verbose.code]).toEqual([2, 2]);
    expect(plain.stderr).toMatch(/^warehouse: --tail must be a positive whole number, got "x"\n$/);
    expect(verbose.stderr).toMatch(stackLine);
  }, 120_000);

  it('leave with 2 for an unknown option, as commander reports it', async () => {
    const { code, stderr } = await warehouse(['run', '--no-such-option']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--no-such-option'");
  }, 120_000);
});

describe('output into a pipe the reader closed', () => {
  it('ends quietly: `warehouse audit show | head -1` leaves no EPIPE trace', async () => {
    // Prepare: an audit log long enough to fill the pipe after the reader has gone
    const { config, stateDir } = workspace();
    const audit = createAuditLog(parseConfig({ stateDir }));
    for (let i = 0; i < 300; i++)
      await audit.append({
        role: 'pipeline',
        action: 'pipeline.stage',
        target: `run/${i}`,
        outcome: 'success',
      });

    // Act: read one line, then close our end of the pipe
    const child = spawn(process.execPath, [bin, '--config', config, 'audit', 'show', '--tail', '300'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const firstLine = await new Promise<string>((resolve) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        lines.close();
        child.stdout.destroy();
        resolve(line);
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

    // Assess
    expect(firstLine).toMatch(/pipeline\.stage/);
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 120_000);
});

describe('the bin wrapper', () => {
  async function startSimulate(): Promise<{ child: ChildProcess; zendeskUrl: string }> {
    const child = spawn(process.execPath, [bin, 'simulate', '--days', '1', '--tickets-per-day', '5'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const zendeskUrl = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const match = /^Ticket desk \(Zendesk-compatible\): (\S+)/.exec(line);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`simulate ended early with ${code}`)));
    });
    return { child, zendeskUrl };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'passes %s on, so stopping it stops the simulator it started',
    async (signal) => {
      // Prepare: a served simulator, answering
      const { child, zendeskUrl } = await startSimulate();
      expect((await fetch(`${zendeskUrl}/api/v2/groups.json`)).status).toBe(401);

      // Act
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      const code = await exited;

      // Assess: the wrapper waited for its child, and nothing serves any more
      expect(code).toBe(0);
      await expect(fetch(`${zendeskUrl}/api/v2/groups.json`)).rejects.toThrow();
    },
    120_000,
  );
});
