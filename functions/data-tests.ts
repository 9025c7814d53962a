import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type DataTestReport, runDataTests } from '#src/models/run-data-tests.ts';
import { DataTestsFailedError } from './common/handler-errors.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { powertools } from './common/powertools.ts';
import { type RunEvent, runEventSchema, sqlRoot } from './common/run-event.ts';

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
  const { engine, audit } = lambdaRuntime(settings);
  const modelsDir = sqlRoot();
  const outcome = await audit.record(
    { role: 'pipeline', action: 'pipeline.stage', target: event.runId, details: { stage: 'data-tests' } },
    async () => gateOf(await runDataTests({ engine, ...(modelsDir ? { modelsDir } : {}) })),
    (gate) => ({ tests: gate.tests, failures: gate.failures.length }),
  );
  metrics.addMetric('DataTestsFailed', MetricUnit.Count, outcome.failures.length);
  if (!outcome.passed) throw new DataTestsFailedError(outcome.failures);
  logger.info('data tests passed', { runId: event.runId, tests: outcome.tests });
  return outcome;
}

/** Reduce the runner's report to the publication gate. */
export function gateOf(report: DataTestReport): DataTestsResult {
  const failures = report.results.filter((t) => t.status !== 'pass').map((t) => `${t.model}: ${t.test}`);
  return { passed: report.passed && failures.length === 0, tests: report.results.length, failures };
}

export const handler = middy<RunEvent, DataTestsResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('data-tests', runEventSchema))
  .handler(dataTests);
