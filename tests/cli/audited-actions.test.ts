import { type ChildProcess, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import type { AuditEntry } from '#src/governance/audit/audit-entry.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';

/*
 * The CLI's privileged actions, killed the way an operator, the OOM killer or a Lambda timeout
 * kills them (SIGKILL: no handler runs), the moment their first audit entry is on disk.
 */
const root = new URL('../../', import.meta.url).pathname;
let dir: string;
let configFile: string;
let input: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-audited-'));
  input = {
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '512MB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { seed: 3, startDate: '2026-08-01', days: 2, ticketsPerDay: 10 },
  };
  configFile = join(dir, 'warehouse.json');
  await writeFile(configFile, JSON.stringify(input));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entries(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of createAuditLog(parseConfig(input)).entries()) out.push(e);
  return out;
}

/** Start `warehouse <args>` and SIGKILL it as soon as an entry matching `until` is in the log. */
async function killWhen(
  args: string[],
  until: (entry: AuditEntry) => boolean,
): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), '--config', configFile, ...args],
    { cwd: root, stdio: 'ignore' },
  );
  const exited = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Every write under the test folder (the audit folder appears with the child's first append).
  let checking = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    do {
      again = false;
      if ((await entries().catch(() => [])).some(until)) child.kill('SIGKILL');
    } while (again);
    checking = false;
  };
  const watcher = watch(dir, { recursive: true }, () => void check());
  await check();
  const result = await exited;
  watcher.close();
  return result;
}

describe('a privileged action killed mid-way', () => {
  it('leaves the started entries of the run and of the stage it was in', async () => {
    // Act: killed once extraction has begun
    const result = await killWhen(
      ['run'],
      (e) => e.action === 'pipeline.stage' && e.target.endsWith('/extract') && e.outcome === 'started',
    );

    // Assess
    const log = await entries();
    expect(result.signal).toBe('SIGKILL');
    const run = log.find((e) => e.action === 'pipeline.run');
    expect(run).toMatchObject({ outcome: 'started' });
    expect(log.filter((e) => e.target === run?.target).map((e) => e.outcome)).toEqual(['started']);
    expect(log.some((e) => e.action === 'pipeline.stage' && e.outcome === 'started')).toBe(true);
    expect(await createAuditLog(parseConfig(input)).verify()).toMatchObject({ ok: true });
  }, 120_000);

  it('leaves the started entry of a retention', async () => {
    // Act
    const result = await killWhen(
      ['retention'],
      (e) => e.action === 'retention.run' && e.outcome === 'started',
    );

    // Assess: on record before it judged or deleted anything; an outcome only if it finished first
    const log = (await entries()).filter((e) => e.action === 'retention.run');
    expect(log[0]).toMatchObject({ outcome: 'started', role: 'pipeline' });
    if (result.signal === 'SIGKILL') expect(log).toHaveLength(1);
    expect(await createAuditLog(parseConfig(input)).verify()).toMatchObject({ ok: true });
  }, 120_000);
});
