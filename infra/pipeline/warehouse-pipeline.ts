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
import { acknowledgeWildcards } from '#infra/nag/acknowledge-wildcards.ts';
import type { WarehouseConfigInput } from '#src/config/warehouse-config.ts';
import { type HandlerName, pipelineSteps, type StepName } from '#src/pipeline/pipeline-stages.ts';
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

    const warehouseConfig: WarehouseConfigInput = {
      ...props.warehouseConfig,
      lake: { kind: 's3', bucket: storage.raw.bucketName, prefix: '', region: stack.region },
      engine: {
        kind: 'athena',
        workgroup: catalog.workgroups.pipeline.name,
        database: catalog.databaseName,
        region: stack.region,
        curatedLocation: storage.curated.s3UrlForObject('warehouse/'),
      },
    };
    const baseEnvironment = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_METRICS_NAMESPACE: publishMetric.namespace,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      WAREHOUSE_CONFIG: stack.toJsonString(warehouseConfig),
      HMAC_SECRET_ARN: this.secrets.hmacKey.secretArn,
      PUBLISHED_BUCKET: storage.published.bucketName,
      AUDIT_BUCKET: storage.audit.bucketName,
      ALERT_TOPIC_ARN: props.alertTopic.topicArn,
    };

    const makeFunction = (
      id: string,
      handler: HandlerName,
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
          // The SDK comes with the runtime; DuckDB is the local engine and never belongs in a Lambda.
          externalModules: ['@aws-sdk/*', '@duckdb/node-api'],
          banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
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
      acknowledgeWildcards(
        role,
        'Object keys under raw/, landing/, quarantine/ and the checkpoints are created per run and page, so object actions need bucket/*; the KMS and S3 action wildcards are the standard grant sets of the warehouse key and buckets; X-Ray takes no resource.',
      );
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

    // ------------------------------------------------------------------------ Athena-driven steps
    // One role for every Athena-driven step: Lake Formation grants name a single pipeline principal.
    this.pipelineRole = new iam.Role(this, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Transform, data tests, publish, SLA alerts and retention steps of the warehouse pipeline',
    });
    acknowledgeWildcards(
      this.pipelineRole,
      'Models create and rewrite Iceberg files under generated keys in the curated bucket and read every landing file, so object actions need bucket/*; tables are created at run time, so Glue actions cover table/<database>/*; lakeformation:GetDataAccess, AddLFTagsToResource and X-Ray take no resource; the KMS and S3 action wildcards are the standard grant sets.',
    );
    this.grantAthena(this.pipelineRole, props);
    this.secrets.hmacKey.grantRead(this.pipelineRole);
    grantAuditLog(this.pipelineRole);
    // The sentiment stage (transform step) writes its scored rows and its checkpoint into the lake.
    storage.raw.grantPut(this.pipelineRole, 'landing/nlp/*');
    storage.raw.grantPut(this.pipelineRole, 'state/nlp/*');
    const athenaStep = (id: string, handler: HandlerName, timeout: Duration) =>
      makeFunction(id, handler, { timeout, memorySize: 512, role: this.pipelineRole, withSql: true });
    const transform = athenaStep('Transform', 'transform', Duration.minutes(15));
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
    const failed = notifyFailure.next(new sfn.Fail(this, 'RunFailed', { error: 'PipelineFailed' }));
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
    let modelTail: sfn.INextable & sfn.IChainable = task(firstStep!);
    const modelChain = sfn.Chain.start(modelTail);
    for (const step of laterSteps) {
      const next = task(step);
      modelTail.next(next);
      modelTail = next;
    }
    modelTail.next(new sfn.Succeed(this, 'Published'));

    const prepare = new sfn.Pass(this, 'Prepare', {
      parameters: {
        'runId.$': '$$.Execution.Name',
        'mode.$': '$.mode',
        'full.$': '$.full',
      },
    });
    const afterExtract = new sfn.Choice(this, 'ModelsToo')
      .when(sfn.Condition.stringEquals('$.mode', 'extract'), new sfn.Succeed(this, 'ExtractedOnly'))
      .otherwise(modelChain);
    // An input without `mode` or `full` (a hand-started backfill) gets the defaults instead of
    // failing in Prepare, outside the catch path: a full run, incremental.
    const withDefaults = new sfn.Choice(this, 'ModeGiven')
      .when(
        sfn.Condition.isNotPresent('$.mode'),
        new sfn.Pass(this, 'DefaultMode', { result: sfn.Result.fromString('full'), resultPath: '$.mode' }),
      )
      .afterwards({ includeOtherwise: true })
      .next(
        new sfn.Choice(this, 'FullGiven')
          .when(
            sfn.Condition.isNotPresent('$.full'),
            new sfn.Pass(this, 'DefaultFull', {
              result: sfn.Result.fromBoolean(false),
              resultPath: '$.full',
            }),
          )
          .afterwards({ includeOtherwise: true })
          .next(prepare),
      );
    const definition = withDefaults;
    prepare.next(
      new sfn.Choice(this, 'Mode')
        .when(sfn.Condition.stringEquals('$.mode', 'models'), modelChain)
        .otherwise(extractAll.next(afterExtract)),
    );

    const machineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: logRetention,
      encryptionKey: storage.key,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.name}-pipeline`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      timeout: Duration.hours(12),
      logs: { destination: machineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    storage.key.grantEncryptDecrypt(this.stateMachine);
    acknowledgeWildcards(
      this.stateMachine,
      'The state machine invokes the pipeline functions (any version, `:*`, as CDK grants for LambdaInvoke); X-Ray and log delivery actions take no resource; the KMS action wildcards are the standard grant set of the warehouse key.',
    );

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
