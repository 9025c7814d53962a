import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { completenessFromHealth, readStreamHealth } from '#src/extract/stream-health.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';
import { publish as publishMarts } from '#src/publish/publish.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { powertools } from './common/powertools.ts';
import { runEventSchema, sqlRoot } from './common/run-event.ts';

const { logger, metrics } = powertools('publish');

/** The run, and the data-test gate the previous step returned (the state machine passes it on). */
export const publishEventSchema = runEventSchema.extend({
  dataTests: z.object({
    passed: z.boolean(),
    tests: z.number().int().nonnegative().optional(),
    failures: z.array(z.string()).default([]),
  }),
});
export type PublishEvent = z.infer<typeof publishEventSchema>;

export interface PublishResult {
  readonly runId: string;
  readonly prefix: string;
  readonly tables: number;
}

/**
 * Publish the marts to the published bucket with the same `publish` the CLI runs. Idempotent per
 * run id: a retry after the switch (the Lambda timed out after putting the pointer, Step Functions
 * retried) finds its publication current and returns it without a second publication.
 */
async function publishStep(event: PublishEvent): Promise<PublishResult> {
  const settings = lambdaSettings('publish');
  const { lake, published, engine, audit } = lambdaRuntime(settings);
  // The extract steps recorded each stream's health in the lake: what this publication holds whole.
  const health = await readStreamHealth(lake);
  const root = sqlRoot();
  const version = root ? kpiVersion(settings.config, root) : kpiVersion(settings.config);
  const result = await audit.record(
    {
      role: 'pipeline',
      action: 'pipeline.stage',
      target: event.runId,
      details: { stage: 'publish', kpi_version: version },
    },
    () =>
      publishMarts({
        config: settings.config,
        engine,
        store: published,
        runId: event.runId,
        kpiVersion: version,
        dataTests: event.dataTests,
        ...(health.length > 0 ? { completeness: completenessFromHealth(health) } : {}),
        completenessTable: false,
        ...(root ? { modelsDir: root } : {}),
        // The dashboard is built for local runs; BI in AWS reads the marts through Athena/QuickSight.
        dashboard: false,
      }),
    (r) => ({
      tables: r.manifest.tables.length,
      objects_written: r.written.objects,
      files_reused: r.reused.files,
    }),
  );
  metrics.addMetric('PublishSucceeded', MetricUnit.Count, 1);
  logger.info(result.alreadyCurrent ? 'published already (retried step)' : 'published', {
    runId: event.runId,
    prefix: result.prefix,
    tables: result.manifest.tables.length,
    objectsWritten: result.written.objects,
    bytesWritten: result.written.bytes,
    filesReused: result.reused.files,
  });
  return { runId: event.runId, prefix: result.prefix, tables: result.manifest.tables.length };
}

export const handler = middy<PublishEvent, PublishResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('publish', publishEventSchema))
  .handler(publishStep);
