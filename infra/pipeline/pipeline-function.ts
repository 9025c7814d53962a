import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HandlerName } from '#src/pipeline/pipeline-stages.ts';
import { lambdaBundling } from './lambda-bundling.ts';

/** Project root: the handlers live in `functions/`, the lock file next to package.json. */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What every function of the pipeline shares: key, log retention, configuration, environment. */
export interface PipelineFunctionBase {
  /** Encrypts the log groups and the environment. */
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** The layer carrying the warehouse configuration, when it does not fit the environment. */
  readonly configLayer?: lambda.ILayerVersion;
  readonly environment: Record<string, string>;
}

export interface PipelineFunctionOptions {
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment?: Record<string, string>;
  readonly role?: iam.Role;
  /** The function reads the SQL models at run time (they are copied beside its bundle). */
  readonly withSql?: boolean;
}

/**
 * One function of the pipeline: `functions/<handler>.ts` bundled by esbuild (lambda-bundling.ts),
 * ARM, traced, JSON logs into its own encrypted log group, never retried by Lambda (the state
 * machine owns retries). Created in `scope` as `<id>Function` and `<id>FunctionLogs`.
 */
export function pipelineFunction(
  scope: Construct,
  id: string,
  handler: HandlerName | 'run-lock',
  base: PipelineFunctionBase,
  options: PipelineFunctionOptions,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}FunctionLogs`, {
    retention: base.logRetention,
    encryptionKey: base.key,
  });
  const fn = new nodejs.NodejsFunction(scope, `${id}Function`, {
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
    ...(base.configLayer ? { layers: [base.configLayer] } : {}),
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: {
      POWERTOOLS_SERVICE_NAME: handler,
      ...base.environment,
      ...(options.withSql ? { WAREHOUSE_SQL_ROOT: '/var/task/sql' } : {}),
      ...options.environment,
    },
    environmentEncryption: base.key,
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
  for (const rule of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
    Validations.of(fn).acknowledge({
      id: rule,
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
  base.key.grantEncryptDecrypt(fn);
  return fn;
}
