import { fileURLToPath } from 'node:url';
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { parseCarriedConfig } from '#infra/config/deployment-config.ts';
import {
  CONFIG_LAYER_FILE,
  type ConfigCarriage,
  configCarriage,
} from '#infra/config/warehouse-config-carrier.ts';
import type { WarehouseConfig, WarehouseConfigInput } from '#src/config/warehouse-config.ts';
import { type HandlerName, pipelineSteps, type StepName } from '#src/pipeline/pipeline-stages.ts';
import { RUN_LOCK_KEY } from '#src/pipeline/run-lock.ts';
import { lambdaBundling } from './lambda-bundling.ts';
import type { PipelineSource, WarehousePipelineProps } from './warehouse-pipeline-props.ts';
import { WarehouseSecrets } from './warehouse-secrets.ts';

/** Project root: the handlers live in `functions/`, the lock file next to package.json. */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Metric the publish handler emits once per successful publication; the stale-data alarm watches it. */
export const publishMetric = {
  namespace: 'SupportKpiWarehouse',
  name: 'PublishSucceeded',
  service: 'publish',
};

/**
 * Metric the run-lock function emits for each run refused because another run held the lock; the
 * RunsRefused alarm speaks when refusals last hours (a stuck lock or a very long backfill).
 */
export const runRefusedMetric = {
  namespace: publishMetric.namespace,
  name: 'RunRefused',
  service: 'run-lock',
};

/** Errors a retry cannot fix: bad input or configuration, or data that failed its tests. */
export const nonRetryableErrors = [
  'InvalidEventError',
  'InvalidEnvironmentError',
  'ConfigError',
  'DataTestsFailedError',
];

/** Handlers, one file each under `functions/` (named by the one stage list). */
export type { HandlerName };

/**
 * The longest an execution may run. The run lock expires a quarter hour after it (the last Lambda
 * invocation may still be finishing): past that no execution can still hold it, so it is stale.
 */
export const runTimeout = Duration.hours(12);
export const runLockTtl = runTimeout.plus(Duration.minutes(15));

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

  constructor(scope: Construct, id: string, props: WarehousePipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { storage, catalog } = props;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    this.secrets = new WarehouseSecrets(this, 'Secrets', {
      key: storage.key,
      hmacSecretName: props.hmacSecretName ?? `${props.name}/hmac-key`,
      sourceSecretNames: Object.fromEntries(
        Object.entries(props.sources).map(([source, p]) => [source, p!.secretName]),
      ),
    });

    // The warehouse configuration: the deployment's sections (desk, SLA, KPIs, holds, sentiment, …)
    // and the stack's own lake and engine. In the environment while it fits Lambda's 4 KB, else in
    // a layer file (infra/config/warehouse-config-carrier.ts).
    const runtime = {
      lake: { kind: 's3', bucket: storage.raw.bucketName, prefix: '', region: stack.region },
      engine: {
        kind: 'athena',
        workgroup: catalog.workgroups.pipeline.name,
        database: catalog.databaseName,
        region: stack.region,
        curatedLocation: storage.curated.s3UrlForObject('warehouse/'),
      },
    } satisfies WarehouseConfigInput;
    this.configCarriage = configCarriage(props.warehouseConfig);
    this.runConfig = parseCarriedConfig(props.warehouseConfig);
    const configLayer =
      this.configCarriage.kind === 'layer'
        ? new lambda.LayerVersion(this, 'WarehouseConfigLayer', {
            code: lambda.Code.fromAsset(this.configCarriage.assetDir),
            compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
            compatibleArchitectures: [lambda.Architecture.ARM_64],
            description: `Warehouse configuration of ${props.name} (${CONFIG_LAYER_FILE})`,
          })
        : undefined;
    const baseEnvironment = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_METRICS_NAMESPACE: publishMetric.namespace,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...(this.configCarriage.kind === 'layer'
        ? { WAREHOUSE_CONFIG: stack.toJsonString(runtime), WAREHOUSE_CONFIG_FILE: this.configCarriage.file }
        : { WAREHOUSE_CONFIG: stack.toJsonString({ ...props.warehouseConfig, ...runtime }) }),
      HMAC_SECRET_ARN: this.secrets.hmacKey.secretArn,
      PUBLISHED_BUCKET: storage.published.bucketName,
      AUDIT_BUCKET: storage.audit.bucketName,
      ALERT_TOPIC_ARN: props.alertTopic.topicArn,
    };

    const makeFunction = (
      id: string,
      handler: HandlerName | 'run-lock',
      options: {
        timeout: Duration;
        memorySize: number;
        environment?: Record<string, string>;
        role?: iam.Role;
        withSql?: boolean;
      },
    ) => {
      const logGroup = new logs.LogGroup(this, `${id}FunctionLogs`, {
        retention: logRetention,
        encryptionKey: storage.key,
      });
      const fn = new nodejs.NodejsFunction(this, `${id}Function`, {
        entry: `${projectRoot}functions/${handler}.ts`,
        projectRoot,
        depsLockFilePath: `${projectRoot}package-lock.json`,
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: options.memorySize,
        timeout: options.timeout,
        ...(options.role ? { role: options.role } : {}),
        tracing: lambda.Tracing.ACTIVE,
        ...(configLayer ? { layers: [configLayer] } : {}),
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        environment: {
          POWERTOOLS_SERVICE_NAME: handler,
          ...baseEnvironment,
          ...(options.withSql ? { WAREHOUSE_SQL_ROOT: '/var/task/sql' } : {}),
          ...options.environment,
        },
        environmentEncryption: storage.key,
        // Steps are invoked synchronously by the state machine, which owns retries and failures.
        retryAttempts: 0,
        bundling: {
          forceDockerBundling: false,
          format: nodejs.OutputFormat.ESM,
          target: 'node22',
          minify: true,
          sourceMap: true,
          mainFields: ['module', 'main'],
          // The locked SDK is bundled (tree-shaken, minified), not the runtime's: lambda-bundling.ts.
          externalModules: [...lambdaBundling.externalModules],
          banner: lambdaBundling.banner,
          // The model runner and the KPI version read the SQL files at run time.
          ...(options.withSql
            ? {
                commandHooks: {
                  beforeBundling: () => [],
                  beforeInstall: () => [],
                  afterBundling: (inputDir: string, outputDir: string) => [
                    `cp -R "${inputDir}/sql" "${outputDir}/sql"`,
                  ],
                },
              }
            : {}),
        },
      });
      for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
        Validations.of(fn).acknowledge({
          id,
          reason:
            'Pinned to nodejs22.x on purpose: the package lines are held for Node 20-22 (docs/DECISIONS.md); a runtime upgrade is a tested change.',
        });
      }
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by Step Functions, which retries and routes failures to SNS; a DLQ would never receive an event.',
      });
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaAsyncFailureDestination',
        reason: 'Never invoked asynchronously: the state machine invokes it and handles its failures.',
      });
      if (options.role) logGroup.grantWrite(options.role);
      storage.key.grantEncryptDecrypt(fn);
      this.functions[id] = fn;
      return fn;
    };

    /**
     * The hash-chained audit log in the Object Lock bucket (`audit-log/`): the sink reads HEAD.json
     * and lists entries/ to find the tail, then writes the next entry with If-None-Match.
     */
    const grantAuditLog = (role: iam.IRole) => {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [storage.audit.arnForObjects('audit-log/*')],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [storage.audit.bucketArn],
          conditions: { StringLike: { 's3:prefix': ['audit-log/*'] } },
        }),
      );
      storage.key.grantEncryptDecrypt(role);
    };

    // ------------------------------------------------------------------------------ extraction
    const extractors: [PipelineSource, nodejs.NodejsFunction][] = [];
    for (const source of Object.keys(props.sources) as PipelineSource[]) {
      const name = `Extract${source[0]!.toUpperCase()}${source.slice(1)}`;
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Extraction of the ${source} source into the lake`,
      });
      const fn = makeFunction(name, 'extract', {
        timeout: Duration.minutes(15),
        memorySize: 1024,
        role,
        environment: { SOURCE: source, SOURCE_SECRET_ARN: this.secrets.sources[source]!.secretArn },
      });
      this.secrets.sources[source]!.grantRead(fn);
      this.secrets.hmacKey.grantRead(fn);
      storage.raw.grantReadWrite(fn);
      grantAuditLog(role);
      extractors.push([source, fn]);
      this.extractRoles.push(fn.role!);
    }

    // ------------------------------------------------------------------------------- run lock
    // One run at a time: the first task takes `state/run.lock` in the raw bucket (If-None-Match),
    // the last one gives it back. Its role may touch that one object and nothing else.
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
    const runLock = makeFunction('RunLock', 'run-lock', {
      timeout: Duration.minutes(1),
      memorySize: 256,
      role: runLockRole,
      environment: { RUN_LOCK_TTL_SECONDS: String(runLockTtl.toSeconds()) },
    });

    // ------------------------------------------------------------------------ Athena-driven steps
    // One role for every Athena-driven step: Lake Formation grants name a single pipeline principal.
    this.pipelineRole = new iam.Role(this, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Transform, data tests, publish, SLA alerts and retention steps of the warehouse pipeline',
    });
    this.grantAthena(this.pipelineRole, props);
    this.secrets.hmacKey.grantRead(this.pipelineRole);
    grantAuditLog(this.pipelineRole);
    // The sentiment stage (transform step) writes its scored rows and its checkpoint into the lake.
    storage.raw.grantPut(this.pipelineRole, 'landing/nlp/*');
    storage.raw.grantPut(this.pipelineRole, 'state/nlp/*');
    // The transform keeps a run's progress there, to continue it in the next invocation.
    storage.raw.grantPut(this.pipelineRole, 'state/transform/*');
    const athenaStep = (id: string, handler: HandlerName, timeout: Duration) =>
      makeFunction(id, handler, { timeout, memorySize: 512, role: this.pipelineRole, withSql: true });
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
      comprehend.attachToRole(this.pipelineRole);
    }
    const dataTests = athenaStep('DataTests', 'data-tests', Duration.minutes(10));
    const publish = athenaStep('Publish', 'publish', Duration.minutes(15));
    storage.published.grantReadWrite(publish);
    const slaAlerts = athenaStep('SlaAlerts', 'sla-alerts', Duration.minutes(5));
    props.alertTopic.grantPublish(this.pipelineRole);
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

    // ------------------------------------------------------------------------------ state machine
    const retryTransient = (task: tasks.LambdaInvoke) => {
      task.addRetry({ errors: nonRetryableErrors, maxAttempts: 0 });
      task.addRetry({
        errors: [sfn.Errors.ALL],
        interval: Duration.seconds(20),
        backoffRate: 2,
        maxAttempts: 3,
        jitterStrategy: sfn.JitterType.FULL,
      });
      return task;
    };
    const invoke = (id: string, fn: lambda.IFunction, payload: Record<string, unknown>) =>
      retryTransient(
        new tasks.LambdaInvoke(this, id, {
          lambdaFunction: fn,
          payload: sfn.TaskInput.fromObject(payload),
          payloadResponseOnly: true,
          resultPath: `$.results.${id.replace(/\W/g, '')}`,
        }),
      );

    const notifyFailure = new tasks.SnsPublish(this, 'NotifyFailure', {
      topic: props.alertTopic,
      subject: `${props.name}: pipeline run failed`,
      message: sfn.TaskInput.fromObject({
        event: 'pipeline-failed',
        runId: sfn.JsonPath.stringAt('$.runId'),
        execution: sfn.JsonPath.stringAt('$$.Execution.Id'),
        error: sfn.JsonPath.stringAt('$.error.Error'),
        cause: sfn.JsonPath.stringAt('$.error.Cause'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const runFailed = new sfn.Fail(this, 'RunFailed', { error: 'PipelineFailed' });
    // Give the run lock back on every path that took it (a release that fails leaves the lock to
    // expire; the run has failed anyway).
    const releaseLock = (id: string) =>
      retryTransient(
        new tasks.LambdaInvoke(this, id, {
          lambdaFunction: runLock,
          payload: sfn.TaskInput.fromObject({ action: 'release', runId: sfn.JsonPath.stringAt('$.runId') }),
          payloadResponseOnly: true,
          resultPath: sfn.JsonPath.DISCARD,
        }),
      );
    const failed = notifyFailure.next(
      releaseLock('ReleaseRunLockAfterFailure')
        .addCatch(runFailed, { resultPath: sfn.JsonPath.DISCARD })
        .next(runFailed),
    );
    const catchTo = <T extends sfn.TaskStateBase | sfn.Parallel>(state: T) =>
      state.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' }) as T;

    const extractAll = catchTo(
      new sfn.Parallel(this, 'ExtractSources', { resultPath: sfn.JsonPath.DISCARD }),
    );
    for (const [source, fn] of extractors) {
      const step = invoke(`Extract-${source}`, fn, {
        runId: sfn.JsonPath.stringAt('$.runId'),
        source,
        full: sfn.JsonPath.stringAt('$.full'),
      });
      const more = new sfn.Choice(this, `MorePages-${source}`)
        .when(sfn.Condition.booleanEquals(`$.results.Extract${source}.done`, false), step)
        .otherwise(new sfn.Succeed(this, `Extracted-${source}`));
      extractAll.branch(step.next(more));
    }

    const runPayload = { runId: sfn.JsonPath.stringAt('$.runId'), full: sfn.JsonPath.stringAt('$.full') };
    // The model steps in the order of the one stage list (src/pipeline/pipeline-stages.ts).
    const modelSteps: Record<
      Exclude<StepName, 'Extract'>,
      { fn: lambda.IFunction; payload: Record<string, unknown> }
    > = {
      Transform: { fn: transform, payload: runPayload },
      DataTests: { fn: dataTests, payload: runPayload },
      Publish: {
        fn: publish,
        payload: { ...runPayload, dataTests: sfn.JsonPath.objectAt('$.results.DataTests') },
      },
      SlaAlerts: { fn: slaAlerts, payload: runPayload },
      Retention: { fn: retention, payload: runPayload },
    };
    const [firstStep, ...laterSteps] = pipelineSteps()
      .map((s) => s.step)
      .filter((step): step is Exclude<StepName, 'Extract'> => step !== 'Extract');
    const task = (step: Exclude<StepName, 'Extract'>) =>
      catchTo(invoke(step, modelSteps[step].fn, modelSteps[step].payload));
    // A step's first and last state. The transform stops before the Lambda time limit with its
    // progress saved and returns `{ done: false }`; it is invoked again until it says `done`, as
    // the extraction is (each invocation continues after the last finished model).
    const stepStates = (step: Exclude<StepName, 'Extract'>) => {
      const first = task(step);
      if (step !== 'Transform') return { first, last: first as sfn.INextable & sfn.IChainable };
      const last = new sfn.Pass(this, 'Transformed');
      first.next(
        new sfn.Choice(this, 'MoreModels')
          // An answer without `done` (a handler of an older deployment) counts as done, not as a
          // runtime error of the choice.
          .when(
            sfn.Condition.and(
              sfn.Condition.isPresent('$.results.Transform.done'),
              sfn.Condition.booleanEquals('$.results.Transform.done', false),
            ),
            first,
          )
          .otherwise(last),
      );
      return { first, last };
    };
    const head = stepStates(firstStep!);
    let modelTail: sfn.INextable & sfn.IChainable = head.last;
    const modelChain = sfn.Chain.start(head.first);
    for (const step of laterSteps) {
      const next = stepStates(step);
      modelTail.next(next.first);
      modelTail = next.last;
    }
    modelTail.next(catchTo(releaseLock('ReleaseRunLock')).next(new sfn.Succeed(this, 'Published')));

    const afterExtract = new sfn.Choice(this, 'ModelsToo')
      .when(
        sfn.Condition.stringEquals('$.mode', 'extract'),
        catchTo(releaseLock('ReleaseRunLockAfterExtract')).next(new sfn.Succeed(this, 'ExtractedOnly')),
      )
      .otherwise(modelChain);
    // The run id is the execution's name; nothing of the input is read before the first task, so
    // any input reaches the catch path (`$.runId` is what NotifyFailure names).
    const start = new sfn.Pass(this, 'Start', { parameters: { 'runId.$': '$$.Execution.Name' } });
    // The first task validates the input (defaults for a missing `mode`/`full`, a wrong field
    // named: functions/common/run-event.ts) and takes the run lock; its result is the run's state.
    const acquire = catchTo(
      retryTransient(
        new tasks.LambdaInvoke(this, 'AcquireRunLock', {
          lambdaFunction: runLock,
          payload: sfn.TaskInput.fromObject({
            action: 'acquire',
            runId: sfn.JsonPath.stringAt('$.runId'),
            input: sfn.JsonPath.objectAt('$$.Execution.Input'),
          }),
          payloadResponseOnly: true,
          resultPath: '$',
        }),
      ),
    );
    // Refused (another run holds the lock): this run ends at once, did nothing and says why in
    // its output; the function counted it (RunRefused), and the RunsRefused alarm speaks only
    // when refusals persist. Not a failure: the RunsFailed alarm and the topic stay quiet.
    const refused = new sfn.Succeed(this, 'RunRefused', {
      comment: 'Another run holds the run lock; this one did nothing (see $.refused).',
    });
    const definition = start
      .next(acquire)
      .next(
        new sfn.Choice(this, 'RunLockTaken')
          .when(sfn.Condition.isPresent('$.refused'), refused)
          .otherwise(
            new sfn.Choice(this, 'Mode')
              .when(sfn.Condition.stringEquals('$.mode', 'models'), modelChain)
              .otherwise(extractAll.next(afterExtract)),
          ),
      );

    const machineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: logRetention,
      encryptionKey: storage.key,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.name}-pipeline`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      timeout: runTimeout,
      logs: { destination: machineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    storage.key.grantEncryptDecrypt(this.stateMachine);

    // -------------------------------------------------------------------------------- schedules
    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryptionMasterKey: storage.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(this.deadLetterQueue).acknowledge({
        id,
        reason: 'This queue is itself the dead-letter queue of the schedules; the DLQ alarm watches it.',
      });
    }
    // One role for both schedules: start the machine, and dead-letter into the encrypted queue,
    // which needs the key's data key through SQS (AWS docs: Scheduler DLQ with SSE-KMS).
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler: start the pipeline state machine, dead-letter failed starts',
    });
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [storage.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
      }),
    );
    const target = (mode: 'extract' | 'full') =>
      new targets.StepFunctionsStartExecution(this.stateMachine, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ mode, full: false }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      });
    const timeZone = props.scheduleTimeZone ?? 'UTC';
    const expression = (text: string) => scheduler.ScheduleExpression.expression(text, TimeZone.of(timeZone));
    this.schedules = [
      new scheduler.Schedule(this, 'ExtractSchedule', {
        description: 'Extract every source (incremental)',
        schedule: expression(props.extractSchedule ?? 'rate(1 hour)'),
        target: target('extract'),
        enabled: props.schedulesEnabled ?? true,
      }),
      new scheduler.Schedule(this, 'ModelsSchedule', {
        description: 'Extract, then models, data tests, publication, SLA alerts and retention',
        schedule: expression(props.modelsSchedule ?? 'cron(30 2 * * ? *)'),
        target: target('full'),
        enabled: props.schedulesEnabled ?? true,
      }),
      // Every Iceberg table, daily: rows retention deleted (or a MERGE replaced) leave the data files
      // once the tables' snapshot age has passed (docs/DECISIONS.md, 2026-12-07).
      new scheduler.Schedule(this, 'MaintenanceSchedule', {
        description: 'OPTIMIZE and VACUUM every Iceberg table of the warehouse',
        schedule: expression('cron(30 4 * * ? *)'),
        target: new targets.LambdaInvoke(retention, {
          role: schedulerRole,
          input: scheduler.ScheduleTargetInput.fromObject({
            action: 'maintenance',
            runId: scheduler.ContextAttribute.executionId,
          }),
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
        enabled: props.schedulesEnabled ?? true,
      }),
    ];
  }

  /** Run queries in the pipeline workgroup, read landing and write curated tables. */
  private grantAthena(role: iam.IRole, props: WarehousePipelineProps): void {
    const { storage, catalog } = props;
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
        ],
        resources: [catalog.workgroupArn('pipeline')],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartitions',
          'glue:CreateTable',
          'glue:UpdateTable',
          'glue:DeleteTable',
        ],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: catalog.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${catalog.databaseName}/*` }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      // AddLFTagsToResource: the runner tags the tables it creates with their class (Lake Formation
      // also checks ASSOCIATE on the tag, granted in infra/access).
      new iam.PolicyStatement({
        actions: ['lakeformation:GetDataAccess', 'lakeformation:AddLFTagsToResource'],
        resources: ['*'],
      }),
    );
    storage.raw.grantRead(role);
    storage.curated.grantReadWrite(role);
    storage.athenaResults.grantReadWrite(role, 'pipeline/*');
  }
}
