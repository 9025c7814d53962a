import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { runSentimentStage } from '#src/kpi/sentiment/run-sentiment-stage.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { type StageName, stagesOf } from '#src/pipeline/pipeline-stages.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { loadSecrets } from './common/load-secrets.ts';
import { powertools } from './common/powertools.ts';
import { type RunEvent, runEventSchema, sqlRoot } from './common/run-event.ts';

const { logger, metrics } = powertools('transform');

export interface TransformResult {
  readonly runId: string;
  readonly models: number;
}

/** Run the SQL models in Athena with the same `runTransform` the CLI runs. */
async function transform(event: RunEvent): Promise<TransformResult> {
  const settings = lambdaSettings('transform');
  await loadSecrets(settings.config, { hmacKey: settings.env.HMAC_SECRET_ARN });
  const { lake, engine, audit } = lambdaRuntime(settings);
  const modelsDir = sqlRoot();
  // The stages of this step in the order of the one stage list: sentiment, then the models.
  let built: Awaited<ReturnType<typeof runTransform>> | undefined;
  const stages: Partial<Record<StageName, () => Promise<unknown>>> = {
    sentiment: () =>
      audit.record(
        { role: 'pipeline', action: 'pipeline.stage', target: event.runId, details: { stage: 'sentiment' } },
        () => runSentimentStage({ config: settings.config, store: lake, runId: event.runId }),
        (r) => ({ files: r.files, messages: r.messages }),
      ),
    transform: async () => {
      built = await audit.record(
        {
          role: 'pipeline',
          action: 'pipeline.stage',
          target: event.runId,
          details: { stage: 'transform', full: event.full },
        },
        () =>
          runTransform({
            config: settings.config,
            engine,
            store: lake,
            runId: event.runId,
            full: event.full,
            seeds: buildSeeds(settings.config, modelsDir ? { sqlRoot: modelsDir } : {}),
            ...(modelsDir ? { modelsDir } : {}),
            onProgress: (progress: unknown) => logger.debug('progress', { progress }),
          }),
      );
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
  logger.info('transform complete', { runId: event.runId, models });
  return { runId: event.runId, models };
}

export const handler = middy<RunEvent, TransformResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('transform', runEventSchema))
  .handler(transform);
