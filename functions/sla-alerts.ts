import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { evaluateSlaAlerts } from '#src/kpi/alerts/evaluate-sla-alerts.ts';
import { mapErrors, parseEvent } from './common/handler-middleware.ts';
import { lambdaSettings } from './common/lambda-environment.ts';
import { lambdaRuntime } from './common/lambda-runtime.ts';
import { powertools } from './common/powertools.ts';
import { type RunEvent, runEventSchema } from './common/run-event.ts';

const { logger, metrics } = powertools('sla-alerts');
let sns: SNSClient | undefined;

export interface SlaAlertsResult {
  readonly runId: string;
  readonly alerts: number;
}

/** Evaluate SLA alerts with the same core function as the CLI and send each to the alert topic. */
async function slaAlerts(event: RunEvent): Promise<SlaAlertsResult> {
  const settings = lambdaSettings('sla-alerts');
  const { engine, lake, audit } = lambdaRuntime(settings);
  const evaluation = await evaluateSlaAlerts({
    config: settings.config,
    engine,
    store: lake,
    runId: event.runId,
  });
  const alerts = alertList(evaluation);
  sns ??= new SNSClient({});
  for (const alert of alerts) {
    await sns.send(
      new PublishCommand({
        TopicArn: settings.env.ALERT_TOPIC_ARN,
        Subject: subjectOf(alert),
        Message: JSON.stringify({ event: 'sla-alert', runId: event.runId, alert }),
      }),
    );
  }
  await audit.append({
    role: 'pipeline',
    action: 'pipeline.stage',
    target: event.runId,
    outcome: 'success',
    counts: { alerts: alerts.length },
    details: { stage: 'sla-alerts' },
  });
  metrics.addMetric('SlaAlertsSent', MetricUnit.Count, alerts.length);
  logger.info('SLA alerts evaluated', { runId: event.runId, alerts: alerts.length });
  return { runId: event.runId, alerts: alerts.length };
}

function alertList(evaluation: unknown): Record<string, unknown>[] {
  if (Array.isArray(evaluation)) return evaluation as Record<string, unknown>[];
  const e = evaluation as { alerts?: unknown; fired?: unknown } | undefined;
  if (Array.isArray(e?.alerts)) return e.alerts as Record<string, unknown>[];
  if (Array.isArray(e?.fired)) return e.fired as Record<string, unknown>[];
  return [];
}

/** SNS subjects: ASCII, at most 100 characters. */
function subjectOf(alert: Record<string, unknown>): string {
  const title = String(alert.title ?? alert.message ?? alert.rule ?? alert.kpi ?? 'SLA alert');
  return `SLA alert: ${title}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

export const handler = middy<RunEvent, SlaAlertsResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(mapErrors({ logger, metrics }))
  .use(parseEvent('sla-alerts', runEventSchema))
  .handler(slaAlerts);
