import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { describeMissingStream, type MissingStream } from '#src/extract/stream-health.ts';

/**
 * Some streams did not extract to their end and partial runs are not allowed: nothing was built
 * or published, the previous publication stays current, and the next run continues each stream
 * from its checkpoint. Fix the cause named per stream (credentials, the source's availability)
 * or run with `--allow-partial` to publish what there is, labelled as incomplete.
 */
export class IncompleteRunError extends Error {
  override readonly name = 'IncompleteRunError';
  constructor(
    readonly runId: string,
    readonly missing: readonly MissingStream[],
  ) {
    super(
      `Run ${runId} is incomplete: ${missing.length} stream(s) did not extract to their end — ` +
        `${missing.map(describeMissingStream).join('; ')}. Nothing was published; the previous ` +
        'publication stays current and the next run continues from the checkpoints ' +
        '(or run with --allow-partial to publish what there is, labelled as incomplete).',
    );
  }
}

/** What a run-failure alert carries: one JSON line in the file, one SNS message. */
export interface RunFailureNotification {
  readonly kind: 'run-failed';
  readonly runId: string;
  readonly title: string;
  readonly error: string;
  readonly errorName: string;
  readonly missing: readonly MissingStream[];
  readonly at: string;
}

/** `run-alerts.jsonl` beside the SLA alert file (which the dashboard reads, so kept apart). */
export function runAlertFile(config: WarehouseConfig): string {
  const slaFile = isAbsolute(config.alerts.file)
    ? config.alerts.file
    : join(config.stateDir, config.alerts.file);
  return join(dirname(slaFile), 'run-alerts.jsonl');
}

/**
 * Alert that a run failed: a line on the console, a JSON line in the local run-alert file (not in
 * a Lambda, whose file system is read-only) and, when `alerts.snsTopicArn` is set, an SNS message.
 * Alerting must not hide the failure itself: a notifier's own error is logged, not thrown.
 */
export async function notifyRunFailure(
  config: WarehouseConfig,
  options: {
    readonly runId: string;
    readonly error: Error;
    readonly log: (line: string) => void;
    readonly env?: NodeJS.ProcessEnv;
    readonly sns?: SNSClient;
    readonly now?: Date;
  },
): Promise<RunFailureNotification> {
  const env = options.env ?? process.env;
  const missing = options.error instanceof IncompleteRunError ? options.error.missing : [];
  const notification: RunFailureNotification = {
    kind: 'run-failed',
    runId: options.runId,
    title: `Run ${options.runId} failed: ${
      missing.length > 0
        ? `${missing.map((m) => `${m.source}/${m.stream}`).join(', ')} incomplete; nothing published`
        : options.error.name
    }`,
    error: options.error.message,
    errorName: options.error.name,
    missing,
    at: (options.now ?? new Date()).toISOString(),
  };
  options.log(`[ALERT] ${notification.title}`);
  const sends: Promise<unknown>[] = [];
  if (!env.AWS_LAMBDA_FUNCTION_NAME) {
    const file = runAlertFile(config);
    sends.push(
      mkdir(dirname(file), { recursive: true }).then(() =>
        appendFile(file, `${JSON.stringify(notification)}\n`, 'utf8'),
      ),
    );
  }
  if (config.alerts.snsTopicArn) {
    sends.push(
      (options.sns ?? new SNSClient({})).send(
        new PublishCommand({
          TopicArn: config.alerts.snsTopicArn,
          // SNS subjects: printable ASCII, at most 100 characters.
          Subject: notification.title.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
          Message: JSON.stringify(notification),
          MessageAttributes: { kind: { DataType: 'String', StringValue: notification.kind } },
        }),
      ),
    );
  }
  for (const result of await Promise.allSettled(sends))
    if (result.status === 'rejected')
      options.log(`run alert: could not be delivered (${(result.reason as Error).message})`);
  return notification;
}
