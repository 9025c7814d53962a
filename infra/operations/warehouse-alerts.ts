import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { publishMetric, runRefusedMetric } from '#infra/pipeline/warehouse-pipeline.ts';
import type { WarehouseAlarmsProps, WarehouseAlertsProps } from './warehouse-alerts-props.ts';

/**
 * One encrypted SNS topic for everything a human must look at: SLA alerts from the KPI stage,
 * failed pipeline runs, schedules that could not start a run, and stale data.
 */
export class WarehouseAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  deliveryDeadLetters?: sqs.Queue;

  constructor(scope: Construct, id: string, props: WarehouseAlertsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const topicArn = stack.formatArn({ service: 'sns', resource: props.topicName });
    const alarmArns = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    if (props.key instanceof kms.Key) {
      // CloudWatch publishes alarm notifications to the encrypted topic with the key (AWS docs:
      // "Configure KMS permissions for CloudWatch alarms with encrypted SNS topics"), only for this account's alarms.
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToUseTheAlertTopic',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { ArnLike: { 'aws:SourceArn': alarmArns } },
        }),
      );
      // SNS moves undeliverable notifications of this topic to the encrypted dead-letter queue.
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowSnsToDeadLetterTheAlertTopic',
          principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { ArnEquals: { 'aws:SourceArn': topicArn } },
        }),
      );
    }
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'Support KPI warehouse alerts',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': alarmArns },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.email) {
      // Undeliverable notifications land here instead of vanishing.
      this.deliveryDeadLetters = new sqs.Queue(this, 'DeliveryDeadLetters', {
        encryptionMasterKey: props.key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
        Validations.of(this.deliveryDeadLetters).acknowledge({
          id,
          reason: 'This queue is itself the dead-letter queue of the alert subscription.',
        });
      }
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(props.email, { deadLetterQueue: this.deliveryDeadLetters }),
      );
    }
  }

  /** Alarms on failed or timed-out runs, dead-lettered schedules, persistently refused runs and stale data, all to the topic. */
  watch(
    stateMachine: sfn.IStateMachine,
    deadLetterQueue: sqs.IQueue,
    props: WarehouseAlarmsProps = {},
  ): void {
    const staleHours = props.staleAfterHours ?? 26;
    const action = new actions.SnsAction(this.topic);
    const add = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };
    add(
      new cloudwatch.Alarm(this, 'RunsFailed', {
        alarmDescription: 'A pipeline run failed, timed out or was aborted',
        metric: new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
            timedOut: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
            aborted: stateMachine.metricAborted({ period: Duration.minutes(5), statistic: 'Sum' }),
          },
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      new cloudwatch.Alarm(this, 'SchedulesDeadLettered', {
        alarmDescription: 'A schedule could not start the pipeline; see the dead-letter queue',
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // A refused run is normal (the hourly extract during the nightly run) and alerts nobody; runs
    // refused in each of three consecutive hours mean a stuck lock or a backfill holding the
    // schedules back: one notification when that starts, not one per refusal.
    add(
      new cloudwatch.Alarm(this, 'RunsRefused', {
        alarmDescription:
          'Runs were refused for 3 hours because another run holds the run lock (state/run.lock in the raw bucket): a long backfill, or a lock left by a stopped execution (it expires with the state machine timeout)',
        metric: new cloudwatch.Metric({
          namespace: runRefusedMetric.namespace,
          metricName: runRefusedMetric.name,
          dimensionsMap: { service: runRefusedMetric.service },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // No publication metric for `staleHours` consecutive hours = stale; missing data is breaching
    // because a pipeline that never runs emits nothing at all.
    add(
      new cloudwatch.Alarm(this, 'DataStale', {
        alarmDescription: `Nothing was published for ${staleHours} hours: the marts are stale`,
        metric: new cloudwatch.Metric({
          namespace: publishMetric.namespace,
          metricName: publishMetric.name,
          dimensionsMap: { service: publishMetric.service },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        threshold: 1,
        evaluationPeriods: staleHours,
        datapointsToAlarm: staleHours,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
  }
}
