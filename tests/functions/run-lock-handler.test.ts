import '#tests/functions/fixtures/lambda-process-env.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AcquireResult, handler, type ReleaseResult } from '#functions/run-lock.ts';
import { RUN_LOCK_KEY } from '#src/pipeline/run-lock.ts';
import { buckets, type LambdaWorld, lambdaContext, startLambdaWorld } from './fixtures/lambda-world.ts';

let world: LambdaWorld;
const context = lambdaContext('support-kpi-run-lock');
const acquire = (runId: string, input: unknown) =>
  handler({ action: 'acquire', runId, input } as never, context) as Promise<AcquireResult>;
const release = (runId: string) => handler({ action: 'release', runId }, context) as Promise<ReleaseResult>;

beforeAll(async () => {
  world = await startLambdaWorld();
  world.useEnvironment();
  process.env.RUN_LOCK_TTL_SECONDS = String(12 * 3600 + 900);
});
afterAll(async () => {
  delete process.env.RUN_LOCK_TTL_SECONDS;
  await world?.close();
});
beforeEach(async () => {
  // Each test starts with no run holding the lock.
  const held = (await world.keys(buckets.raw, RUN_LOCK_KEY)).length > 0;
  if (held) {
    const holder = JSON.parse(await world.text(buckets.raw, RUN_LOCK_KEY)) as { runId: string };
    await release(holder.runId);
  }
});

describe('the run-lock handler', () => {
  it('lets one of two runs started at the same moment take the lock and refuses the other, naming the holder', async () => {
    // Act: the hourly extract and the nightly run fire together
    const [hourly, nightly] = await Promise.all([
      acquire('hourly-0200', { mode: 'extract', full: false }),
      acquire('nightly-0200', { mode: 'full', full: false }),
    ]);
    // Assess
    const outcomes = [hourly, nightly];
    const taken = outcomes.filter((o) => o.lock);
    const refused = outcomes.filter((o) => o.refused);
    expect(taken).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.refused!.heldBy?.runId).toBe(taken[0]!.runId);
    expect(refused[0]!.refused!.message).toContain(`run ${taken[0]!.runId}`);
    expect(refused[0]!.refused!.message).toContain('This run was refused and did nothing');
    const holder = JSON.parse(await world.text(buckets.raw, RUN_LOCK_KEY)) as { runId: string };
    expect(holder.runId).toBe(taken[0]!.runId);
  });

  it('refuses every run while one holds the lock, and takes it again once released', async () => {
    // Prepare
    const backfill = await acquire('backfill-1', { mode: 'full', full: true });
    // Act
    const during = await acquire('hourly-1', { mode: 'extract', full: false });
    const released = await release('backfill-1');
    const after = await acquire('hourly-2', { mode: 'extract', full: false });
    // Assess
    expect(backfill.lock).toBeDefined();
    expect(during.refused?.heldBy).toMatchObject({ runId: 'backfill-1', command: 'full' });
    expect(released.released).toBe('released');
    expect(after.lock).toBeDefined();
  });

  it('gives the same run the lock again when its acquire step is retried', async () => {
    // Prepare
    await acquire('retried-1', { mode: 'extract', full: false });
    // Act
    const again = await acquire('retried-1', { mode: 'extract', full: false });
    // Assess
    expect(again.lock).toBeDefined();
    expect(again.refused).toBeUndefined();
  });

  it('never releases a lock another run holds', async () => {
    // Prepare
    await acquire('holder-1', { mode: 'full', full: false });
    // Act
    const stranger = await release('stranger-1');
    // Assess
    expect(stranger.released).toBe('not-held');
    const holder = JSON.parse(await world.text(buckets.raw, RUN_LOCK_KEY)) as { runId: string };
    expect(holder.runId).toBe('holder-1');
  });

  it('takes over a lock past its expiry (its run cannot still be running) and says from whom', async () => {
    // Prepare: a lock left by a run that was stopped without releasing it, expired an hour ago
    const expired = new Date(Date.now() - 3_600_000).toISOString();
    await world.put(
      buckets.raw,
      RUN_LOCK_KEY,
      JSON.stringify({
        pid: 1,
        host: 'old',
        command: 'full',
        startedAt: expired,
        runId: 'aborted-1',
        expiresAt: expired,
      }),
    );
    // Act
    const next = await acquire('nightly-2', { mode: 'full', full: false });
    // Assess
    expect(next.lock?.tookOverFrom?.runId).toBe('aborted-1');
    const holder = JSON.parse(await world.text(buckets.raw, RUN_LOCK_KEY)) as { runId: string };
    expect(holder.runId).toBe('nightly-2');
  });

  it('defaults an input without mode or full to an incremental full run', async () => {
    // Act
    const result = await acquire('backfill-2', {});
    // Assess
    expect(result).toMatchObject({ runId: 'backfill-2', mode: 'full', full: false });
  });

  it('refuses an input with a wrong field by naming it, without taking the lock', async () => {
    // Act
    const attempt = acquire('bad-input-1', { mode: 'extract', full: 'yes' });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidEventError' });
    await expect(attempt).rejects.toThrow(/input\.full/);
    expect(await world.keys(buckets.raw, RUN_LOCK_KEY)).toEqual([]);
  });
});
