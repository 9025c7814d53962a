import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, LOCK_FILE, RunLockedError } from '#src/pipeline/run-lock.ts';

/** The pid of a process that has certainly ended (it ran and was reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
}

describe('the run lock', () => {
  it('refuses a second holder, naming the first one’s pid, host, command and start', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    const first = await acquireRunLock(dir, 'warehouse run');

    // Act
    const second = await acquireRunLock(dir, 'warehouse extract').catch((error: unknown) => error);

    // Assess
    expect(second).toBeInstanceOf(RunLockedError);
    const message = (second as Error).message;
    expect(message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect(message).toContain('`warehouse run`');
    expect(message).toContain(first.holder.startedAt);
    await first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('is taken again once released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    await (await acquireRunLock(dir, 'warehouse run')).release();
    const again = await acquireRunLock(dir, 'warehouse run');
    expect(again.tookOverFrom).toBeUndefined();
    await again.release();
  });

  it('takes over a stale lock whose process on this host is gone', async () => {
    // Prepare: a lock left by a process that was killed
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    const stale = {
      pid: deadPid(),
      host: hostname(),
      command: 'warehouse run',
      startedAt: '2026-12-01T00:00:00.000Z',
    };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));

    // Act
    const lock = await acquireRunLock(dir, 'warehouse run');

    // Assess
    expect(lock.tookOverFrom).toEqual(stale);
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('does not take over a lock held on another host, which it cannot check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: deadPid(),
        host: 'another-host',
        command: 'warehouse run',
        startedAt: '2026-12-01T00:00:00.000Z',
      }),
    );
    await expect(acquireRunLock(dir, 'warehouse run')).rejects.toThrow(/on another-host/);
  });
});
