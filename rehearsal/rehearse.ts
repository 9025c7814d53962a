import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import aslValidator from 'asl-validator';
import type { Context } from 'aws-lambda';
import S3rver from 's3rver';
import type { DeploymentConfigInput } from '#infra/config/deployment-config.ts';
import { type RunningSimulator, startSimulator } from '#src/simulator/start-simulator.ts';
import { type AslMachine, type ExecutionResult, runStateMachine } from './asl-interpreter.ts';
import { installCallRecorder, recordedRequests, runAs, toIamCalls } from './call-recorder.ts';
import { type LoopbackServices, startLoopbackServices } from './loopback-services.ts';
import { type AwsCall, type CallVerdict, deniedCalls } from './policy-check.ts';
import { rehearsalDeployment } from './rehearsal-deployment.ts';
import { withConditionalWrites } from './s3rver-conditional-writes.ts';
import { serviceCalls } from './service-calls.ts';
import { synthesizeModel } from './stack-model.ts';
import type { TemplateModel } from './template-model.ts';

/** Handlers that need Athena: played only when an Athena endpoint is plugged in. */
const ATHENA_HANDLERS = new Set(['transform', 'data-tests', 'publish', 'sla-alerts', 'retention']);

export interface RehearsalOptions {
  readonly deployment?: DeploymentConfigInput;
  /** The simulated desk: tickets a day and days of history before the first deployment. */
  readonly ticketsPerDay?: number;
  readonly historyDays?: number;
  /** Days of hourly extracts and a nightly run after the first deployment. */
  readonly simulatedDays?: number;
  readonly extractsPerDay?: number;
  /**
   * Where Athena answers (the local Athena emulator): set, the model steps run their real handlers
   * against it through `AWS_ENDPOINT_URL_ATHENA`; unset, they are recorded as substituted and the
   * plays exercise extraction, the state machine's paths and every non-Athena call.
   */
  readonly athenaEndpoint?: string;
  readonly log?: (line: string) => void;
}

export interface PlayResult {
  readonly play: string;
  readonly executions: { name: string; input: unknown; result: ExecutionResult }[];
}

export interface RehearsalReport {
  readonly definitionErrors: string[];
  readonly plays: PlayResult[];
  /** Every recorded IAM request (SDK calls and the service-to-service uses of the template). */
  readonly calls: AwsCall[];
  readonly denied: CallVerdict[];
  /** Lambda invocations by handler, with their wall-clock seconds. */
  readonly invocations: Record<string, { count: number; seconds: number }>;
  readonly substituted: Record<string, number>;
  readonly transitions: number;
  readonly alerts: { subject?: string; message: string }[];
}

interface World {
  readonly model: TemplateModel;
  readonly machine: AslMachine;
  readonly sim: RunningSimulator;
  readonly services: LoopbackServices;
  readonly s3Endpoint: string;
  readonly stateMachineRole: string;
  readonly alertTopicArn: string;
}

/** The function a Task's resource names, with its handler, role and the template's environment. */
function functionOf(model: TemplateModel, arn: string) {
  for (const [id, fn] of model.functions())
    if (model.arnOf(id) === arn) return { id, ...fn, handler: fn.environment.POWERTOOLS_SERVICE_NAME! };
  throw new Error(`the state machine invokes ${arn}, which the template does not define`);
}

/**
 * The environment a function gets from the template, pointed at loopback: the lake's endpoint,
 * the sources' base URLs (the simulator) with short retry waits, and the SDK endpoints of the fakes.
 * Nothing else changes: buckets, topic, secret ARNs and the configuration are the template's.
 */
function lambdaEnvironment(world: World, environment: Record<string, string>, athenaEndpoint?: string) {
  const config = JSON.parse(environment.WAREHOUSE_CONFIG!) as {
    lake: Record<string, unknown>;
    sources?: Record<string, Record<string, unknown> | undefined>;
  };
  config.lake = { ...config.lake, endpoint: world.s3Endpoint, forcePathStyle: true };
  const retry = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000, maxRetries: 3 };
  for (const [source, url] of [
    ['zendesk', world.sim.zendeskUrl],
    ['hubspot', world.sim.hubspotUrl],
  ] as const)
    if (config.sources?.[source]) config.sources[source] = { ...config.sources[source], baseUrl: url, retry };
  return {
    ...environment,
    ...world.services.environment,
    ...(athenaEndpoint ? { AWS_ENDPOINT_URL_ATHENA: athenaEndpoint } : {}),
    WAREHOUSE_CONFIG: JSON.stringify(config),
    AWS_REGION: world.model.region,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `rehearsal-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'rehearsal',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

type Execute = (input: unknown) => Promise<PlayResult['executions'][number]>;

/**
 * A run started while another runs: the nightly full run and the hourly extract fire at the same
 * moment (both schedules on the hour). One takes the run lock; the other must be refused at once —
 * ending without work, without failing and without telling the topic — and the first must finish.
 */
async function playOverlappingRuns(execute: Execute, log: (line: string) => void): Promise<PlayResult> {
  log('play: a run started while another runs (refused)');
  const executions = await Promise.all([
    execute({ mode: 'full', full: false }),
    execute({ mode: 'extract', full: false }),
  ]);
  for (const e of executions) {
    const refused = (e.result.output as { refused?: { message: string } } | undefined)?.refused;
    if (refused) log(`    ${e.name} refused: ${refused.message}`);
  }
  return { play: 'a run started while another runs', executions };
}

export async function rehearse(options: RehearsalOptions = {}): Promise<RehearsalReport> {
  const log = options.log ?? (() => undefined);
  const deployment = options.deployment ?? rehearsalDeployment;

  // 1. Synthesize and validate the state machine's definition.
  const model = synthesizeModel(deployment);
  const machineId = model.ofType('AWS::StepFunctions::StateMachine')[0]!;
  const machineProps = model.template.Resources[machineId]!.Properties!;
  const machine = JSON.parse(model.resolve(machineProps.DefinitionString) as string) as AslMachine;
  const validation = aslValidator(machine);
  const definitionErrors = validation.isValid ? [] : [validation.errorsText('\n')];
  log(
    `synthesized ${Object.keys(model.template.Resources).length} resources; state machine definition ${validation.isValid ? 'valid' : 'INVALID'} (asl-validator)`,
  );

  // 2. The loopback world: every bucket of the template on s3rver, the simulator, the fakes.
  const directory = await mkdtemp(join(tmpdir(), 'rehearsal-'));
  const buckets = model.ofType('AWS::S3::Bucket').map((id) => model.resolve({ Ref: id }) as string);
  // With S3's conditional writes (the run lock and the checkpoints rely on them; s3rver alone ignores them).
  const s3 = withConditionalWrites(
    new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      vhostBuckets: false,
      configureBuckets: buckets.map((name) => ({ name })),
    }),
  );
  const s3Address = await s3.run();
  const historyDays = options.historyDays ?? 3;
  const sim = await startSimulator({
    seed: 15,
    startDate: '2026-08-01',
    days: historyDays + (options.simulatedDays ?? 2) + 1,
    ticketsPerDay: options.ticketsPerDay ?? 10,
    fast: true,
    now: new Date(Date.parse('2026-08-01T00:00:00Z') + historyDays * 86_400_000).toISOString(),
  });
  const services = await startLoopbackServices();
  const topicId = model.ofType('AWS::SNS::Topic')[0]!;
  const world: World = {
    model,
    machine,
    sim,
    services,
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    stateMachineRole: model.resolve(machineProps.RoleArn) as string,
    alertTopicArn: model.arnOf(topicId),
  };
  // The secrets as the README says to set them (the HMAC key is generated by the stack).
  for (const id of model.ofType('AWS::SecretsManager::Secret')) {
    const arn = model.arnOf(id);
    const name = String(model.resolve(model.template.Resources[id]!.Properties!.Name));
    services.secrets.set(
      arn,
      name.endsWith('/zendesk')
        ? JSON.stringify({ email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken })
        : name.endsWith('/hubspot')
          ? JSON.stringify({ token: sim.credentials.hubspotToken })
          : 'h'.repeat(64),
    );
  }

  installCallRecorder();
  recordedRequests(true);
  const invocations: Record<string, { count: number; seconds: number }> = {};
  const substituted: Record<string, number> = {};
  const baseEnvironment = { ...process.env };
  const sns = new SNSClient({
    region: model.region,
    endpoint: services.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

  const runTask = async (resource: string, input: unknown): Promise<unknown> => {
    if (resource === 'arn:aws:states:::sns:publish') {
      const p = input as { TopicArn: string; Message: unknown; Subject?: string };
      return runAs(world.stateMachineRole, () =>
        sns.send(
          new PublishCommand({
            TopicArn: p.TopicArn,
            Message: typeof p.Message === 'string' ? p.Message : JSON.stringify(p.Message),
            Subject: p.Subject,
          }),
        ),
      );
    }
    const fn = functionOf(model, resource);
    if (ATHENA_HANDLERS.has(fn.handler) && !options.athenaEndpoint) {
      substituted[fn.handler] = (substituted[fn.handler] ?? 0) + 1;
      return fn.handler === 'data-tests'
        ? { runId: (input as { runId: string }).runId, passed: true, substituted: true }
        : { runId: (input as { runId: string }).runId, substituted: true };
    }
    const environment = lambdaEnvironment(world, fn.environment, options.athenaEndpoint);
    for (const key of Object.keys(process.env)) if (!(key in baseEnvironment)) delete process.env[key];
    Object.assign(process.env, environment);
    const module = (await import(`#functions/${fn.handler}.ts`)) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    const started = performance.now();
    try {
      return await runAs(fn.roleArn, () => module.handler(input, lambdaContext(fn.name, 900_000)));
    } finally {
      const entry = invocations[fn.handler] ?? { count: 0, seconds: 0 };
      invocations[fn.handler] = entry;
      entry.count++;
      entry.seconds += (performance.now() - started) / 1000;
    }
  };

  let executionCount = 0;
  const execute = async (input: unknown) => {
    const name = `r${String(++executionCount).padStart(3, '0')}-${world.sim.clock.now().toISOString().replace(/[:.]/g, '-')}`;
    const result = await runStateMachine(machine, input, {
      executionName: name,
      stateMachineArn: model.arnOf(machineId),
      runTask,
    });
    log(
      `  ${name} ${JSON.stringify(input)}: ${result.status}${result.error ? ` (${result.error})` : ''}, ${result.transitions} transitions${result.waitedSeconds ? `, ${result.waitedSeconds} s of retry waits` : ''}`,
    );
    return { name, input, result };
  };

  const plays: PlayResult[] = [];
  try {
    log('play: a first deployment’s full run');
    plays.push({ play: 'first deployment', executions: [await execute({ mode: 'full', full: false })] });

    log(`play: ${options.simulatedDays ?? 2} simulated days of hourly extracts and a nightly run`);
    const days: PlayResult['executions'] = [];
    for (let day = 0; day < (options.simulatedDays ?? 2); day++) {
      for (let hour = 0; hour < (options.extractsPerDay ?? 3); hour++) {
        world.sim.clock.advance(86_400_000 / ((options.extractsPerDay ?? 3) + 1));
        days.push(await execute({ mode: 'extract', full: false }));
      }
      world.sim.clock.advance(86_400_000 / ((options.extractsPerDay ?? 3) + 1));
      days.push(await execute({ mode: 'full', full: false }));
    }
    plays.push({ play: 'hourly extracts and nightly runs', executions: days });

    log('play: a source answering 500 until the retries are spent');
    const faults = world.sim.config.faults as { serverErrorRate: number };
    faults.serverErrorRate = 1;
    const failing = await execute({ mode: 'extract', full: false });
    faults.serverErrorRate = 0;
    const recovering = await execute({ mode: 'extract', full: false });
    plays.push({ play: 'source failing, then recovering', executions: [failing, recovering] });

    plays.push(await playOverlappingRuns(execute, log));

    log('play: a backfill started without mode or full');
    plays.push({ play: 'input without mode', executions: [await execute({})] });
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in baseEnvironment)) delete process.env[key];
    Object.assign(process.env, baseEnvironment);
    sns.destroy();
    await sim.close();
    await services.close();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  }

  // 3. Every call checked against the stack's own policies.
  const calls = [...recordedRequests(true).flatMap((r) => toIamCalls(model, r)), ...serviceCalls(model)];
  const denied = await deniedCalls(model, calls);
  const transitions = plays.flatMap((p) => p.executions).reduce((n, e) => n + e.result.transitions, 0);
  return {
    definitionErrors,
    plays,
    calls,
    denied,
    invocations,
    substituted,
    transitions,
    alerts: services.published(world.alertTopicArn),
  };
}
