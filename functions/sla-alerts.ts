import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { evaluateSlaAlerts } from '#src/kpi/alerts/evaluate-sla-alerts.ts';
import { SnsNotifier } from '#src/kpi/alerts/notifiers/sns-notifier.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { powertools } from './common/powertools.ts';
import { type RunEvent, runEventSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('sla-alerts');

export interface SlaAlertsResult {
  readonly runId: string;
  readonly outcome: string;
  readonly actual: number | null;
}

/** Evaluate the trailing-24 h SLA alert in Athena; raise or clear it on the alert topic. */
async function slaAlerts(event: RunEvent): Promise<SlaAlertsResult> {
  const settings = lambdaSettings('sla-alerts');
  const { lake, engine, audit } = lambdaRuntime(settings);
  const notifier = new SnsNotifier(new SNSClient({}), settings.env.ALERT_TOPIC_ARN);
  const evaluation = await audit.record(
    { role: 'pipeline', action: 'pipeline.stage', target: event.runId, details: { stage: 'sla-alerts' } },
    () => evaluateSlaAlerts({ config: settings.config, engine, store: lake, runId: event.runId, notifier }),
    (e) => ({ notifications: e.alerts.length }),
  );
  metrics.addMetric('SlaAlertNotifications', MetricUnit.Count, evaluation.alerts.length);
  logger.info('sla alert evaluated', {
    runId: event.runId,
    outcome: evaluation.outcome,
    actual: evaluation.actual,
  });
  return { runId: event.runId, outcome: evaluation.outcome, actual: evaluation.actual };
}

export const handler = middy<RunEvent, SlaAlertsResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('sla-alerts', runEventSchema))
  .handler(slaAlerts);
