import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runDataTests } from '#src/models/run-data-tests.ts';
import { DataTestsFailedError } from './common/handler-errors.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { powertools } from './common/powertools.ts';
import { type RunEvent, runEventSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('data-tests');

/** The gate `publish` takes: passed, how many tests ran, which failed. */
export interface DataTestsResult {
  readonly passed: boolean;
  readonly tests: number;
  readonly failures: readonly string[];
}

/** Run the data tests in Athena; a failure throws DataTestsFailedError, which blocks publication. */
async function dataTests(event: RunEvent): Promise<DataTestsResult> {
  const settings = lambdaSettings('data-tests');
  const { lake, engine, audit } = lambdaRuntime(settings);
  const outcome = await audit.record(
    { role: 'pipeline', action: 'pipeline.stage', target: event.runId, details: { stage: 'data-tests' } },
    async () =>
      gateOf(await runDataTests({ config: settings.config, engine, store: lake, runId: event.runId })),
    (gate) => ({ tests: gate.tests, failures: gate.failures.length }),
  );
  metrics.addMetric('DataTestsFailed', MetricUnit.Count, outcome.failures.length);
  if (!outcome.passed) throw new DataTestsFailedError(outcome.failures);
  logger.info('data tests passed', { runId: event.runId, tests: outcome.tests });
  return outcome;
}

/** Reduce the runner's report to the publication gate. */
export function gateOf(report: unknown): DataTestsResult {
  const r = report as {
    results?: { name?: string; test?: string; passed?: boolean; status?: string }[];
    failures?: unknown[];
  };
  const results = Array.isArray(r?.results) ? r.results : [];
  const failed = results.filter((t) => t.passed === false || t.status === 'fail' || t.status === 'error');
  const failures = failed.map((t) => String(t.name ?? t.test ?? 'unnamed test'));
  if (Array.isArray(r?.failures)) {
    for (const f of r.failures)
      failures.push(typeof f === 'string' ? f : String((f as { name?: string }).name ?? f));
  }
  const unique = [...new Set(failures)];
  return { passed: unique.length === 0, tests: results.length, failures: unique };
}

export const handler = middy<RunEvent, DataTestsResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('data-tests', runEventSchema))
  .handler(dataTests);
