import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runSentimentStage } from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { runTransform, transformCheckpointKey } from '#src/models/run-transform.ts';
import { type StageName, stagesOf } from '#src/pipeline/pipeline-stages.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { loadSecrets } from './common/load-secrets.ts';
import { powertools } from './common/powertools.ts';
import { remainingTimeSignal } from './common/remaining-time-signal.ts';
import { type RunEvent, runEventSchema, sqlRoot } from './common/run-event.ts';

const { logger, metrics } = powertools('transform');

export interface TransformResult {
  readonly runId: string;
  /** Models built so far in this run (earlier invocations' included). */
  readonly models: number;
  /** false: stopped before the time limit with its progress saved; the state machine invokes again. */
  readonly done: boolean;
}

/**
 * Run the SQL models in Athena with the same `runTransform` the CLI runs, under the invocation's
 * time limit: no model starts with less than TRANSFORM_STOP_MARGIN_MS left, a statement still
 * running at TRANSFORM_CANCEL_MARGIN_MS before the limit is cancelled, and the step returns
 * `done: false`; the next invocation (same run id) continues after the last finished model.
 */
async function transform(event: RunEvent, context: Context): Promise<TransformResult> {
  const settings = lambdaSettings('transform');
  await loadSecrets(settings.config, { hmacKey: settings.env.HMAC_SECRET_ARN });
  const { lake, engine, audit } = lambdaRuntime(settings);
  const modelsDir = sqlRoot();
  const { TRANSFORM_STOP_MARGIN_MS: stopMarginMs, TRANSFORM_CANCEL_MARGIN_MS: cancelMarginMs } = settings.env;
  // A continued run scored its messages in its first invocation: they are in this run's sources.
  const continued = await lake.exists(transformCheckpointKey(event.runId));
  // The stages of this step in the order of the one stage list: sentiment, then the models.
  let built: Awaited<ReturnType<typeof runTransform>> | undefined;
  const stages: Partial<Record<StageName, () => Promise<unknown>>> = {
    sentiment: async () =>
      continued ||
      audit.record(
        { role: 'pipeline', action: 'pipeline.stage', target: event.runId, details: { stage: 'sentiment' } },
        () => runSentimentStage({ config: settings.config, store: lake, runId: event.runId }),
        (r) => ({ files: r.files, messages: r.messages }),
      ),
    transform: async () => {
      const deadline = remainingTimeSignal(context, cancelMarginMs);
      try {
        built = await audit.record(
          {
            role: 'pipeline',
            action: 'pipeline.stage',
            target: event.runId,
            details: { stage: 'transform', full: event.full },
          },
          () =>
            runTransform({
              engine,
              store: lake,
              runId: event.runId,
              full: event.full,
              seeds: buildSeeds(settings.config, modelsDir ? { sqlRoot: modelsDir } : {}),
              ...(modelsDir ? { modelsDir } : {}),
              onProgress: (progress: unknown) => logger.debug('progress', { progress }),
              budget: {
                signal: deadline.signal,
                stopBeforeModel: () => context.getRemainingTimeInMillis() < stopMarginMs,
              },
            }),
          (r) => ({ models: r.models.length, statements: r.statements, done: r.done ? 1 : 0 }),
        );
      } finally {
        deadline.dispose();
      }
    },
  };
  for (const name of stagesOf('transform')) {
    const run = stages[name];
    if (!run) throw new Error(`the transform handler has no implementation of stage ${name}`);
    await run();
  }
  const summary = built!;
  const models = summary.models.length;
  metrics.addMetric('ModelsBuilt', MetricUnit.Count, models);
  metrics.addMetric('TransformStatements', MetricUnit.Count, summary.statements);
  metrics.addMetric(summary.done ? 'TransformCompleted' : 'TransformCheckpointed', MetricUnit.Count, 1);
  logger.info(summary.done ? 'transform complete' : 'checkpointed before the time limit', {
    runId: event.runId,
    models,
    invocation: summary.invocation,
    statements: summary.statements,
  });
  return { runId: event.runId, models, done: summary.done };
}

export const handler = middy<RunEvent, TransformResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('transform', runEventSchema))
  .handler(transform);
