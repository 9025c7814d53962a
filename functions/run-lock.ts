import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import {
  acquireObjectRunLock,
  type LockHolder,
  RunLockedError,
  releaseObjectRunLock,
} from '#src/pipeline/run-lock.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { InvalidEnvironmentError } from './common/handler-errors.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { powertools } from './common/powertools.ts';
import { type RunInput, runIdSchema, runInputSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('run-lock');

/**
 * The first and the last task of every execution. `acquire` validates the execution's input
 * (defaults for a missing `mode`/`full`, the field named for a wrong one: inside the catch path) and
 * takes the run lock; `release` gives it back (also on the failure path).
 */
export const runLockEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acquire'), runId: runIdSchema, input: runInputSchema }),
  z.object({ action: z.literal('release'), runId: runIdSchema }),
]);
export type RunLockEvent = z.infer<typeof runLockEventSchema>;

/** The run's validated input; `refused` when another run holds the lock (this run then does nothing). */
export type AcquireResult = RunInput & {
  readonly runId: string;
  readonly lock?: { readonly expiresAt: string; readonly tookOverFrom?: LockHolder };
  readonly refused?: { readonly heldBy: LockHolder | undefined; readonly message: string };
};
export interface ReleaseResult {
  readonly runId: string;
  readonly released: 'released' | 'absent' | 'not-held';
}

async function runLock(event: RunLockEvent, context: Context): Promise<AcquireResult | ReleaseResult> {
  const { config, env } = lambdaSettings('run-lock');
  if (config.lake.kind !== 's3') throw new Error('WAREHOUSE_CONFIG.lake must be an s3 lake in Lambda');
  const lake = new S3ObjectStore({
    bucket: config.lake.bucket,
    prefix: config.lake.prefix,
    clientConfig: {
      region: config.lake.region,
      endpoint: config.lake.endpoint,
      forcePathStyle: config.lake.forcePathStyle,
    },
  });
  if (event.action === 'release') {
    const released = await releaseObjectRunLock(lake, event.runId);
    if (released !== 'released')
      logger.warn('run lock not released: this run no longer held it', { runId: event.runId, released });
    return { runId: event.runId, released };
  }
  if (!env.RUN_LOCK_TTL_SECONDS) {
    throw new InvalidEnvironmentError('run-lock', [
      { path: 'RUN_LOCK_TTL_SECONDS', message: 'required (the state machine’s time limit in seconds)' },
    ]);
  }
  const run = { runId: event.runId, ...event.input };
  try {
    const lock = await acquireObjectRunLock(lake, {
      runId: event.runId,
      command: event.input.mode,
      host: context.functionName ?? env.AWS_LAMBDA_FUNCTION_NAME,
      ttlMs: env.RUN_LOCK_TTL_SECONDS * 1000,
    });
    if (lock.tookOverFrom) {
      metrics.addMetric('RunLockTakenOver', MetricUnit.Count, 1);
      logger.warn('took over an expired run lock', { runId: event.runId, from: lock.tookOverFrom });
    }
    return {
      ...run,
      lock: {
        expiresAt: lock.holder.expiresAt!,
        ...(lock.tookOverFrom ? { tookOverFrom: lock.tookOverFrom } : {}),
      },
    };
  } catch (error) {
    if (!(error instanceof RunLockedError)) throw error;
    // Refused, not failed: another run is doing the work (an hourly extract during the nightly run
    // or a backfill). Counted and logged once; the RunsRefused alarm speaks only when it persists.
    metrics.addMetric('RunRefused', MetricUnit.Count, 1);
    logger.warn('run refused: another run holds the run lock', {
      runId: event.runId,
      heldBy: error.holder,
    });
    return { ...run, refused: { heldBy: error.holder, message: error.message } };
  }
}

export const handler = middy<RunLockEvent, AcquireResult | ReleaseResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('run-lock', runLockEventSchema))
  .handler(runLock);
