import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { WarehousePipelineProps } from './warehouse-pipeline-props.ts';

export interface PipelineSchedulesProps
  extends Pick<
    WarehousePipelineProps,
    'extractSchedule' | 'modelsSchedule' | 'scheduleTimeZone' | 'schedulesEnabled'
  > {
  readonly key: kms.IKey;
  readonly stateMachine: sfn.IStateMachine;
  /** Runs the daily Iceberg maintenance (OPTIMIZE, VACUUM). */
  readonly retention: lambda.IFunction;
}

export interface PipelineSchedules {
  readonly deadLetterQueue: sqs.Queue;
  readonly schedules: scheduler.Schedule[];
}

/**
 * EventBridge Scheduler: hourly extraction runs, the nightly full run and the daily table
 * maintenance, with one role and one encrypted dead-letter queue for starts that fail.
 * Created in `scope`.
 */
export function pipelineSchedules(scope: Construct, props: PipelineSchedulesProps): PipelineSchedules {
  const stack = Stack.of(scope);
  const deadLetterQueue = new sqs.Queue(scope, 'ScheduleDeadLetters', {
    encryptionMasterKey: props.key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
    Validations.of(deadLetterQueue).acknowledge({
      id,
      reason: 'This queue is itself the dead-letter queue of the schedules; the DLQ alarm watches it.',
    });
  }
  // One role for both schedules: start the machine, and dead-letter into the encrypted queue,
  // which needs the key's data key through SQS (AWS docs: Scheduler DLQ with SSE-KMS).
  const schedulerRole = new iam.Role(scope, 'SchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: 'EventBridge Scheduler: start the pipeline state machine, dead-letter failed starts',
  });
  schedulerRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [props.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
    }),
  );
  const target = (mode: 'extract' | 'full') =>
    new targets.StepFunctionsStartExecution(props.stateMachine, {
      role: schedulerRole,
      input: scheduler.ScheduleTargetInput.fromObject({ mode, full: false }),
      deadLetterQueue,
      retryAttempts: 3,
      maxEventAge: Duration.hours(1),
    });
  const timeZone = props.scheduleTimeZone ?? 'UTC';
  const expression = (text: string) => scheduler.ScheduleExpression.expression(text, TimeZone.of(timeZone));
  const schedules = [
    new scheduler.Schedule(scope, 'ExtractSchedule', {
      description: 'Extract every source (incremental)',
      schedule: expression(props.extractSchedule ?? 'rate(1 hour)'),
      target: target('extract'),
      enabled: props.schedulesEnabled ?? true,
    }),
    new scheduler.Schedule(scope, 'ModelsSchedule', {
      description: 'Extract, then models, data tests, publication, SLA alerts and retention',
      schedule: expression(props.modelsSchedule ?? 'cron(30 2 * * ? *)'),
      target: target('full'),
      enabled: props.schedulesEnabled ?? true,
    }),
    // Every Iceberg table, daily: rows retention deleted (or a MERGE replaced) leave the data files
    // once the tables' snapshot age has passed (docs/DECISIONS.md, 2026-12-07).
    new scheduler.Schedule(scope, 'MaintenanceSchedule', {
      description: 'OPTIMIZE and VACUUM every Iceberg table of the warehouse',
      schedule: expression('cron(30 4 * * ? *)'),
      target: new targets.LambdaInvoke(props.retention, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({
          action: 'maintenance',
          runId: scheduler.ContextAttribute.executionId,
        }),
        deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
      enabled: props.schedulesEnabled ?? true,
    }),
  ];
  return { deadLetterQueue, schedules };
}
