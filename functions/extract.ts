import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { InvalidEnvironmentError, SourceExtractionError } from './common/handler-errors.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { loadSecrets } from './common/load-secrets.ts';
import { powertools } from './common/powertools.ts';
import { remainingTimeSignal } from './common/remaining-time-signal.ts';
import { type RunEvent, runEventSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('extract');

export interface ExtractResult {
  readonly runId: string;
  readonly source: string;
  /** false: stopped at a checkpoint before the time limit; the state machine invokes again. */
  readonly done: boolean;
}

/**
 * Extract one source (the function's `SOURCE`) into the lake with the same `runExtraction` the CLI
 * runs. Stops at a checkpoint 90 s before the time limit and returns `done: false`.
 */
async function extract(event: RunEvent, context: Context): Promise<ExtractResult> {
  const settings = lambdaSettings('extract');
  const { env, config } = settings;
  if (!env.SOURCE || !env.SOURCE_SECRET_ARN) {
    throw new InvalidEnvironmentError('extract', [
      { path: 'SOURCE', message: 'SOURCE and SOURCE_SECRET_ARN are required' },
    ]);
  }
  await loadSecrets(config, {
    hmacKey: env.HMAC_SECRET_ARN,
    source: { name: env.SOURCE, secretId: env.SOURCE_SECRET_ARN },
  });
  const { lake, audit } = lambdaRuntime(settings);
  const budget = remainingTimeSignal(context);
  try {
    const manifest = await audit.record(
      {
        role: 'pipeline',
        action: 'pipeline.stage',
        target: event.runId,
        details: { stage: 'extract', source: env.SOURCE },
      },
      () =>
        runExtraction({
          config,
          store: lake,
          runId: event.runId,
          sources: [env.SOURCE!],
          signal: budget.signal,
          onProgress: (progress: unknown) => logger.debug('progress', { progress }),
        }),
    );
    const done = !budget.signal.aborted;
    // A stream that failed (not one stopped by the time budget) fails the step: the state machine
    // retries it and, once its retries are spent, notifies the alert topic and fails the run.
    const failed = manifest.streams.filter((s) => s.status === 'failed');
    if (done && failed.length > 0) {
      metrics.addMetric('ExtractFailed', MetricUnit.Count, 1);
      throw new SourceExtractionError(
        env.SOURCE,
        failed.map((s) => ({ stream: s.stream, ...(s.error ? { error: s.error } : {}) })),
      );
    }
    metrics.addMetric(done ? 'ExtractCompleted' : 'ExtractCheckpointed', MetricUnit.Count, 1);
    logger.info(done ? 'extraction complete' : 'checkpointed before the time limit', {
      source: env.SOURCE,
      manifest,
    });
    return { runId: event.runId, source: env.SOURCE, done };
  } catch (error) {
    // Stopping at the time budget is not a failure: the checkpoint is written, the next invocation resumes.
    if (budget.signal.aborted) {
      logger.info('checkpointed before the time limit', { source: env.SOURCE });
      metrics.addMetric('ExtractCheckpointed', MetricUnit.Count, 1);
      return { runId: event.runId, source: env.SOURCE, done: false };
    }
    throw error;
  } finally {
    budget.dispose();
  }
}

export const handler = middy<RunEvent, ExtractResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('extract', runEventSchema))
  .handler(extract);
