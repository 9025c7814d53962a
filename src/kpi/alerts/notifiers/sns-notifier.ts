import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertNotification, Notifier } from './notifier.ts';

/** Publishes each alert to an SNS topic: subject for e-mail subscribers, JSON body for machines. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    readonly topicArn: string,
  ) {}

  async notify(notification: AlertNotification): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects: printable ASCII, at most 100 characters.
        Subject: notification.title.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        Message: JSON.stringify(notification),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: notification.kind },
          kpi: { DataType: 'String', StringValue: notification.kpi },
        },
      }),
    );
  }
}
