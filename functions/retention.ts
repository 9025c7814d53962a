import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { icebergTables, maintainTables } from '#src/governance/retention/maintain-tables.ts';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { loadSecrets } from './common/load-secrets.ts';
import { powertools } from './common/powertools.ts';
import { runEventSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('retention');

/**
 * The pipeline's retention step (`action` absent), or the daily maintenance pass the schedule
 * starts (`action: 'maintenance'`): OPTIMIZE and VACUUM on every Iceberg table, so rows deleted by
 * retention or rewritten by a MERGE leave the data files once the tables' snapshot age has passed.
 */
export const retentionEventSchema = runEventSchema.extend({
  action: z.enum(['retention', 'maintenance']).default('retention'),
});
export type RetentionEvent = z.input<typeof retentionEventSchema>;

export interface RetentionResult {
  readonly runId: string;
  readonly deleted: number;
  /** Tables OPTIMIZE + VACUUM ran on. */
  readonly maintained: number;
}

/** Apply the retention windows and legal holds with the same `runRetention` the CLI runs. */
async function retention(event: RetentionEvent): Promise<RetentionResult> {
  const settings = lambdaSettings('retention');
  if ((event.action ?? 'retention') === 'maintenance') return maintenance(event, settings);
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
        ...(hmacKey ? { hmacKey } : {}),
        onProgress: (line) => logger.info(line),
      }),
    (r) => ({ rows_deleted: r.totals.rowsDeleted, objects_deleted: r.totals.objectsDeleted }),
  );
  const deleted = report.totals.deleted;
  const maintained = report.maintenance?.tables.length ?? 0;
  metrics.addMetric('RetentionDeleted', MetricUnit.Count, deleted);
  logger.info('retention applied', { runId: event.runId, deleted, maintained });
  return { runId: event.runId, deleted, maintained };
}

/** The scheduled pass: every Iceberg table of the warehouse database, audited as one action. */
async function maintenance(
  event: RetentionEvent,
  settings: ReturnType<typeof lambdaSettings>,
): Promise<RetentionResult> {
  const { engine, audit } = lambdaRuntime(settings);
  const report = await audit.record(
    { role: 'pipeline', action: 'retention.maintenance', target: event.runId },
    async () =>
      maintainTables(engine, await icebergTables(engine), {
        onProgress: (line) => logger.info(line),
        snapshotMaxAgeSeconds: engine.capabilities.snapshotMaxAgeSeconds,
      }),
    (r) => ({ tables: r.tables.length, statements: r.statements }),
  );
  metrics.addMetric('TablesMaintained', MetricUnit.Count, report.tables.length);
  return { runId: event.runId, deleted: 0, maintained: report.tables.length };
}

export const handler = middy<RetentionEvent, RetentionResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('retention', retentionEventSchema))
  .handler(retention);
