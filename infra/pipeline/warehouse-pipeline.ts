import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ConfigCarriage } from '#infra/config/warehouse-config-carrier.ts';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { HandlerName } from '#src/pipeline/pipeline-stages.ts';
import { RUN_LOCK_KEY } from '#src/pipeline/run-lock.ts';
import { pipelineConfiguration } from './pipeline-configuration.ts';
import {
  type PipelineFunctionBase,
  type PipelineFunctionOptions,
  pipelineFunction,
} from './pipeline-function.ts';
import { grantAthena, grantAuditLog } from './pipeline-grants.ts';
import { pipelineSchedules } from './pipeline-schedules.ts';
import { type ModelStep, pipelineStateMachine, runLockTtl } from './pipeline-state-machine.ts';
import type { PipelineSource, WarehousePipelineProps } from './warehouse-pipeline-props.ts';
import { WarehouseSecrets } from './warehouse-secrets.ts';

export { publishMetric, runRefusedMetric } from './pipeline-metrics.ts';
export { nonRetryableErrors, runLockTtl, runTimeout } from './pipeline-state-machine.ts';

/** Handlers, one file each under `functions/` (named by the one stage list). */
export type { HandlerName };

/**
 * The scheduled pipeline: one Lambda per step (extract per source, transform, data tests, publish,
 * retention), a Step Functions state machine that orders them with retries and a failure
 * path to SNS, and two EventBridge Scheduler schedules with a dead-letter queue.
 *
 * Extraction checkpoints in the lake and returns `{ done: false }` before the Lambda time limit;
 * the state machine loops until every source says `done`.
 */
export class WarehousePipeline extends Construct {
  readonly functions: Partial<Record<string, nodejs.NodejsFunction>> = {};
  readonly stateMachine: sfn.StateMachine;
  readonly deadLetterQueue: sqs.Queue;
  readonly secrets: WarehouseSecrets;
  readonly schedules: scheduler.Schedule[];
  readonly pipelineRole: iam.Role;
  readonly extractRoles: iam.IRole[] = [];
  /** How the warehouse configuration reaches the functions (environment or layer file). */
  readonly configCarriage: ConfigCarriage;
  /** The warehouse configuration the functions run with, parsed at synth (lake and engine stood in for). */
  readonly runConfig: WarehouseConfig;

  /** What every function of the pipeline shares (set first in the constructor). */
  private readonly functionBase: PipelineFunctionBase;

  constructor(scope: Construct, id: string, props: WarehousePipelineProps) {
    super(scope, id);
    const { storage } = props;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    this.secrets = new WarehouseSecrets(this, 'Secrets', {
      key: storage.key,
      hmacSecretName: props.hmacSecretName ?? `${props.name}/hmac-key`,
      sourceSecretNames: Object.fromEntries(
        Object.entries(props.sources).map(([source, p]) => [source, p!.secretName]),
      ),
    });
    const configuration = pipelineConfiguration(this, props, this.secrets);
    this.configCarriage = configuration.carriage;
    this.runConfig = configuration.runConfig;
    this.functionBase = {
      key: storage.key,
      logRetention,
      configLayer: configuration.layer,
      environment: configuration.environment,
    };

    const extractors = this.extractFunctions(props);
    const runLock = this.runLockFunction(props);
    this.pipelineRole = new iam.Role(this, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Transform, data tests, publish, SLA alerts and retention steps of the warehouse pipeline',
    });
    const steps = this.athenaSteps(props, this.pipelineRole);
    this.stateMachine = pipelineStateMachine(this, {
      name: props.name,
      key: storage.key,
      logRetention,
      alertTopic: props.alertTopic,
      runLock,
      extractors,
      steps,
    });
    const scheduling = pipelineSchedules(this, {
      key: storage.key,
      stateMachine: this.stateMachine,
      retention: steps.Retention,
      extractSchedule: props.extractSchedule,
      modelsSchedule: props.modelsSchedule,
      scheduleTimeZone: props.scheduleTimeZone,
      schedulesEnabled: props.schedulesEnabled,
    });
    this.deadLetterQueue = scheduling.deadLetterQueue;
    this.schedules = scheduling.schedules;
  }

  private makeFunction(
    id: string,
    handler: HandlerName | 'run-lock',
    options: PipelineFunctionOptions,
  ): nodejs.NodejsFunction {
    const fn = pipelineFunction(this, id, handler, this.functionBase, options);
    this.functions[id] = fn;
    return fn;
  }

  /** One extraction function per source, each with a role of its own. */
  private extractFunctions(props: WarehousePipelineProps): [PipelineSource, lambda.IFunction][] {
    const { storage } = props;
    const extractors: [PipelineSource, lambda.IFunction][] = [];
    for (const source of Object.keys(props.sources) as PipelineSource[]) {
      const name = `Extract${source[0]!.toUpperCase()}${source.slice(1)}`;
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Extraction of the ${source} source into the lake`,
      });
      const fn = this.makeFunction(name, 'extract', {
        timeout: Duration.minutes(15),
        memorySize: 1024,
        role,
        environment: { SOURCE: source, SOURCE_SECRET_ARN: this.secrets.sources[source]!.secretArn },
      });
      this.secrets.sources[source]!.grantRead(fn);
      this.secrets.hmacKey.grantRead(fn);
      storage.raw.grantReadWrite(fn);
      grantAuditLog(storage, role);
      extractors.push([source, fn]);
      this.extractRoles.push(fn.role!);
    }
    return extractors;
  }

  /**
   * One run at a time: the first task takes `state/run.lock` in the raw bucket (If-None-Match),
   * the last one gives it back. Its role may touch that one object and nothing else.
   */
  private runLockFunction(props: WarehousePipelineProps): nodejs.NodejsFunction {
    const { storage } = props;
    const runLockRole = new iam.Role(this, 'RunLockRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Take and release the one-run-at-a-time lock of the warehouse pipeline',
    });
    runLockRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [storage.raw.arnForObjects(RUN_LOCK_KEY)],
      }),
    );
    storage.key.grantEncryptDecrypt(runLockRole);
    return this.makeFunction('RunLock', 'run-lock', {
      timeout: Duration.minutes(1),
      memorySize: 256,
      role: runLockRole,
      environment: { RUN_LOCK_TTL_SECONDS: String(runLockTtl.toSeconds()) },
    });
  }

  /**
   * The Athena-driven steps, all under one role (`role`): Lake Formation grants name a single
   * pipeline principal.
   */
  private athenaSteps(props: WarehousePipelineProps, role: iam.Role): Record<ModelStep, lambda.IFunction> {
    const { storage } = props;
    grantAthena(this, role, storage, props.catalog);
    this.secrets.hmacKey.grantRead(role);
    grantAuditLog(storage, role);
    // The sentiment stage (transform step) writes its scored rows and its checkpoint into the lake.
    storage.raw.grantPut(role, 'landing/nlp/*');
    storage.raw.grantPut(role, 'state/nlp/*');
    // The transform keeps a run's progress there, to continue it in the next invocation.
    storage.raw.grantPut(role, 'state/transform/*');
    const athenaStep = (id: string, handler: HandlerName, timeout: Duration) =>
      this.makeFunction(id, handler, { timeout, memorySize: 512, role, withSql: true });
    const transform = athenaStep('Transform', 'transform', Duration.minutes(15));
    // Sentiment by Comprehend: the sentiment stage runs in the transform function only, so the
    // shared pipeline role may call it only from that function's code (lambda:SourceFunctionArn,
    // which Lambda puts in the credentials of calls made from a function's execution environment).
    if (this.runConfig.sentiment.analyser === 'comprehend') {
      const comprehend = new iam.Policy(this, 'TransformComprehend', {
        statements: [
          new iam.PolicyStatement({
            sid: 'SentimentFromTheTransformFunction',
            actions: ['comprehend:BatchDetectSentiment'],
            resources: ['*'],
            conditions: { ArnEquals: { 'lambda:SourceFunctionArn': transform.functionArn } },
          }),
        ],
      });
      comprehend.attachToRole(role);
    }
    const dataTests = athenaStep('DataTests', 'data-tests', Duration.minutes(10));
    const publish = athenaStep('Publish', 'publish', Duration.minutes(15));
    storage.published.grantReadWrite(publish);
    const slaAlerts = athenaStep('SlaAlerts', 'sla-alerts', Duration.minutes(5));
    props.alertTopic.grantPublish(role);
    const retention = athenaStep('Retention', 'retention', Duration.minutes(15));
    storage.raw.grantDelete(retention);
    // Retention rewrites an expired raw or landing page to keep only its held records, sets aside a
    // damaged file in quarantine/damaged/, and records the frozen KPI months (the rehearsal's
    // retention run was denied each of these writes).
    for (const prefix of ['raw/*', 'landing/*', 'quarantine/*', 'state/retention.json'])
      storage.raw.grantPut(retention, prefix);
    storage.published.grantReadWrite(retention);
    storage.published.grantDelete(retention);
    storage.curated.grantDelete(retention);
    return {
      Transform: transform,
      DataTests: dataTests,
      Publish: publish,
      SlaAlerts: slaAlerts,
      Retention: retention,
    };
  }
}
