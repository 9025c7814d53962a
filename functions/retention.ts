import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { loadSecrets } from './common/load-secrets.ts';
import { powertools } from './common/powertools.ts';
import { type RunEvent, runEventSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('retention');

export interface RetentionResult {
  readonly runId: string;
  readonly deleted: number;
}

/** Apply the retention windows and legal holds with the same `runRetention` the CLI runs. */
async function retention(event: RunEvent): Promise<RetentionResult> {
  const settings = lambdaSettings('retention');
  await loadSecrets(settings.config, { hmacKey: settings.env.HMAC_SECRET_ARN });
  const { lake, published, engine, audit } = lambdaRuntime(settings);
  const hmacKey = process.env[settings.config.privacy.hmacKeyEnv];
  // Audited before anything is deleted; a timed-out or killed invocation leaves its `started` entry.
  const report = await audit.record(
    { role: 'pipeline', action: 'retention.run', target: event.runId },
    () =>
      runRetention({
        config: settings.config,
        engine,
        store: lake,
        audit,
        runId: event.runId,
        publishedStores: [published],
        // The catalog to judge is the warehouse database, not Athena's `default`.
        ...(settings.config.engine.kind === 'athena' ? { schema: settings.config.engine.database } : {}),
        ...(hmacKey ? { hmacKey } : {}),
        onProgress: (line) => logger.info(line),
      }),
    (r) => ({ rows_deleted: r.totals.rowsDeleted, objects_deleted: r.totals.objectsDeleted }),
  );
  const deleted = report.totals.deleted;
  metrics.addMetric('RetentionDeleted', MetricUnit.Count, deleted);
  logger.info('retention applied', { runId: event.runId, deleted });
  return { runId: event.runId, deleted };
}

export const handler = middy<RunEvent, RetentionResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('retention', runEventSchema))
  .handler(retention);
