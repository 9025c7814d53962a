import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AthenaClient, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import FakeTimers from '@sinonjs/fake-timers';
import aslValidator from 'asl-validator';
import type { Context } from 'aws-lambda';
import S3rver from 's3rver';
import type { DeploymentConfigInput } from '#infra/config/deployment-config.ts';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { type AslMachine, type ExecutionResult, runStateMachine } from './asl-interpreter.ts';
import { installCallRecorder, recordedRequests, runAs, toIamCalls } from './call-recorder.ts';
import {
  KNOWN_DIFFERENCES,
  type PublishedRows,
  publicationDifferences,
  readPublishedRows,
} from './compare-publications.ts';
import { type LoopbackServices, startLoopbackServices } from './loopback-services.ts';
import { type AwsCall, type CallVerdict, deniedCalls } from './policy-check.ts';
import { rehearsalDeployment } from './rehearsal-deployment.ts';
import { withConditionalWrites } from './s3rver-conditional-writes.ts';
import { serviceCalls } from './service-calls.ts';
import { synthesizeModel } from './stack-model.ts';
import type { TemplateModel } from './template-model.ts';

export interface RehearsalOptions {
  readonly deployment?: DeploymentConfigInput;
  /** The simulated desk: tickets a day and days of history before the first deployment. */
  readonly ticketsPerDay?: number;
  readonly historyDays?: number;
  /** Days of hourly extracts and a nightly run after the first deployment. */
  readonly simulatedDays?: number;
  readonly extractsPerDay?: number;
  /**
   * Where Athena answers. Unset, the rehearsal starts the local Athena (engine v3's rules over
   * DuckDB) against the same s3rver; either way the model steps' real handlers reach it through
   * `AWS_ENDPOINT_URL_ATHENA`.
   */
  readonly athenaEndpoint?: string;
  /** Which plays to run (default: all of `playNames`). */
  readonly plays?: readonly PlayName[];
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
  /** The statements the handlers ran in Athena, by execution, with the bytes Athena reported. */
  readonly athena: AthenaStatistics;
  /**
   * The deployed publication read back beside a local DuckDB run's on the same world: its tables
   * and rows, and the tables whose rows differ (empty: none).
   */
  readonly kpiComparison?: { tables: number; rows: number; differences: string[]; known: string[] };
  readonly retention?: RetentionPlay;
  readonly transitions: number;
  readonly alerts: { subject?: string; message: string }[];
}

interface World {
  readonly model: TemplateModel;
  readonly machine: AslMachine;
  readonly sim: RunningSimulator;
  readonly services: LoopbackServices;
  readonly s3Endpoint: string;
  readonly athenaEndpoint: string;
  readonly publishedBucket: string;
  /** Legal holds in force (the retention play places one). */
  readonly legalHolds: { customerKey: string; reason: string }[];
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
 * The warehouse configuration a function gets from the template, pointed at loopback: the lake's
 * endpoint, the sources' base URLs (the simulator) with short retry waits, and the legal holds the
 * retention play places (as an operator would put them in the deployment's configuration).
 */
function onLoopback(world: World, warehouseConfig: string): Record<string, unknown> {
  const config = JSON.parse(warehouseConfig) as {
    lake: Record<string, unknown>;
    sources?: Record<string, Record<string, unknown> | undefined>;
    governance?: Record<string, unknown>;
  };
  config.lake = { ...config.lake, endpoint: world.s3Endpoint, forcePathStyle: true };
  const retry = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000, maxRetries: 3 };
  for (const [source, url] of [
    ['zendesk', world.sim.zendeskUrl],
    ['hubspot', world.sim.hubspotUrl],
  ] as const)
    if (config.sources?.[source]) config.sources[source] = { ...config.sources[source], baseUrl: url, retry };
  if (world.legalHolds.length > 0)
    config.governance = {
      ...config.governance,
      legalHolds: [...((config.governance?.legalHolds as unknown[]) ?? []), ...world.legalHolds],
    };
  return config;
}

/**
 * The environment a function gets from the template, pointed at loopback (`onLoopback`) and at the
 * SDK endpoints of the fakes and the Athena. Nothing else changes: buckets, topic, secret ARNs and
 * the rest of the configuration are the template's.
 */
function lambdaEnvironment(world: World, environment: Record<string, string>) {
  return {
    ...environment,
    ...world.services.environment,
    // The bundle copies sql/ next to index.mjs (/var/task/sql); here it is the repository's.
    ...(environment.WAREHOUSE_SQL_ROOT ? { WAREHOUSE_SQL_ROOT: SQL_ROOT } : {}),
    AWS_ENDPOINT_URL_ATHENA: world.athenaEndpoint,
    WAREHOUSE_CONFIG: JSON.stringify(onLoopback(world, environment.WAREHOUSE_CONFIG!)),
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

/** The plays, in the order they run (the first deployment always runs: the others build on it). */
export const playNames = [
  'first deployment',
  'hourly extracts and nightly runs',
  'published KPIs equal the local run',
  'source failing, then recovering',
  'input without mode',
  'a run started while another runs',
  'retention with a legal hold',
] as const;
export type PlayName = (typeof playNames)[number];

type Execute = (input: unknown) => Promise<PlayResult['executions'][number]>;

const SQL_ROOT = fileURLToPath(new URL('../sql', import.meta.url));

const LOOPBACK_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The published bucket as the rehearsal reads it back (outside any role: not a handler's call). */
function publishedStore(world: World): S3ObjectStore {
  return new S3ObjectStore({
    bucket: world.publishedBucket,
    clientConfig: {
      endpoint: world.s3Endpoint,
      forcePathStyle: true,
      region: world.model.region,
      credentials: LOOPBACK_CREDENTIALS,
    },
  });
}

/** The deployed warehouse's Athena engine, for the rehearsal's own checks (not a handler's call). */
function athenaOf(world: World, warehouseConfig: string): AthenaEngine {
  const { engine } = parseConfig(JSON.parse(warehouseConfig), 'WAREHOUSE_CONFIG');
  if (engine.kind !== 'athena') throw new Error('the template’s WAREHOUSE_CONFIG.engine is not athena');
  return new AthenaEngine({
    workgroup: engine.workgroup,
    database: engine.database,
    curatedLocation: engine.curatedLocation,
    client: new AthenaClient({
      region: world.model.region,
      endpoint: world.athenaEndpoint,
      credentials: LOOPBACK_CREDENTIALS,
    }),
    initialPollMs: 1,
    maxPollMs: 20,
  });
}

/**
 * `warehouse run` on DuckDB with the deployment's own warehouse configuration (same sources,
 * desk, SLA, KPI catalogue, HMAC key), against the same simulator at the same clock: what the
 * deployed publication must equal. Returns its publication read back from the Parquet files.
 */
async function localRun(
  world: World,
  templateEnvironment: Record<string, string>,
  directory: string,
): Promise<PublishedRows> {
  const input = onLoopback(world, templateEnvironment.WAREHOUSE_CONFIG!);
  const config = parseConfig(
    {
      ...input,
      lake: { kind: 'local', root: join(directory, 'lake') },
      engine: {
        kind: 'duckdb',
        database: join(directory, 'warehouse.duckdb'),
        memoryLimit: '1GB',
        threads: 1,
      },
      stateDir: join(directory, 'state'),
    },
    'the local run’s configuration',
  );
  const env: NodeJS.ProcessEnv = {
    [config.privacy.hmacKeyEnv]: world.services.secrets.get(templateEnvironment.HMAC_SECRET_ARN!),
  };
  if (config.sources.zendesk) {
    env[config.sources.zendesk.emailEnv] = world.sim.credentials.zendeskEmail;
    env[config.sources.zendesk.tokenEnv] = world.sim.credentials.zendeskToken;
  }
  if (config.sources.hubspot) env[config.sources.hubspot.tokenEnv] = world.sim.credentials.hubspotToken;
  const result = await runPipeline({ config, env, runId: 'local-duckdb-run', log: () => undefined });
  if (!result.publication) throw new Error('the local DuckDB run published nothing (its data tests failed)');
  return readPublishedRows(createObjectStore(config.lake));
}

export interface RetentionPlay {
  readonly execution: PlayResult['executions'][number];
  readonly heldCustomer: string;
  /** Curated tickets (`fct_tickets`) of the held customer and of everyone else. */
  readonly before: { held: number; others: number };
  readonly after: { held: number; others: number };
  /** Landing ticket rows (`landing_zendesk__tickets`) of the held customer's tickets and of others. */
  readonly landingBefore: { held: number; others: number };
  readonly landingAfter: { held: number; others: number };
}

/** 25 months: past the longest retention window (24 months of facts; text and raw pages 12). */
const RETENTION_JUMP_MS = 25 * 31 * 86_400_000;

/**
 * A legal hold on the customer with the most tickets, then the nightly models run as it would run
 * 25 months later: every handler of that run sees the shifted clock (only `Date` is faked; timers
 * run on). Counts the held customer's and the others' tickets in curated and landing before/after.
 */
async function retentionPlay(world: World, execute: Execute, engine: AthenaEngine): Promise<RetentionPlay> {
  const [top] = (
    await engine.execute(
      'SELECT customer_key, count(*) AS n FROM fct_tickets WHERE customer_key IS NOT NULL GROUP BY customer_key ORDER BY n DESC, customer_key LIMIT 1',
    )
  ).rows;
  const heldCustomer = String(top?.customer_key ?? '');
  if (!heldCustomer)
    throw new Error('no ticket with a customer key: the world is too small for the retention play');
  const quoted = `'${heldCustomer.replaceAll("'", "''")}'`;
  const heldTickets = (
    await engine.execute(`SELECT ticket_id FROM fct_tickets WHERE customer_key = ${quoted}`)
  ).rows.map((r) => Number(r.ticket_id));
  const split = async (table: string) => {
    const rows = (
      await engine.execute(
        `SELECT ticket_id IN (${heldTickets.join(', ')}) AS held, count(*) AS n FROM ${table} GROUP BY 1`,
      )
    ).rows;
    const of = (held: boolean) => Number(rows.find((r) => String(r.held) === String(held))?.n ?? 0);
    return { held: of(true), others: of(false) };
  };
  const before = await split('fct_tickets');
  const landingBefore = await split('landing_zendesk__tickets');
  world.legalHolds.push({ customerKey: heldCustomer, reason: 'rehearsal: litigation hold' });
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: Date.now() + RETENTION_JUMP_MS,
    toFake: ['Date'],
    shouldAdvanceTime: true,
  });
  let execution: PlayResult['executions'][number];
  try {
    execution = await execute({ mode: 'models', full: false });
  } finally {
    clock.uninstall();
  }
  return {
    execution,
    heldCustomer,
    before,
    after: await split('fct_tickets'),
    landingBefore,
    landingAfter: await split('landing_zendesk__tickets'),
  };
}

/** One statement the Athena finished, and the execution whose handler started it ('' = the rehearsal's own). */
interface Statement {
  readonly id: string;
  readonly execution: string;
  readonly state: string;
  readonly error?: string;
  readonly sql: string;
  readonly engineMs: number;
}

export interface AthenaStatistics {
  readonly statements: number;
  /** Statements Athena failed (the handlers' own probes included), with the reason. */
  readonly failed: { execution: string; sql: string; error: string }[];
  /**
   * By execution name: statements, those Athena bills (not DDL: CREATE, DROP, ALTER are free), the
   * bytes GetQueryExecution reported as scanned, and the seconds the engine spent on them.
   */
  readonly byExecution: Record<
    string,
    { statements: number; billedStatements: number; bytesScanned: number; engineSeconds: number }
  >;
  /** Whether the Athena reported any scanned bytes at all (the local Athena may report 0). */
  readonly bytesReported: boolean;
}

/** Every statement the handlers started, with `Statistics.DataScannedInBytes` from GetQueryExecution. */
async function athenaStatistics(world: World, statements: readonly Statement[]): Promise<AthenaStatistics> {
  const client = new AthenaClient({
    region: world.model.region,
    endpoint: world.athenaEndpoint,
    credentials: LOOPBACK_CREDENTIALS,
  });
  const byExecution: AthenaStatistics['byExecution'] = {};
  let bytesReported = false;
  try {
    for (const statement of statements) {
      if (!statement.execution) continue; // the rehearsal's own checks
      const { QueryExecution } = await client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: statement.id }),
      );
      const bytes = QueryExecution?.Statistics?.DataScannedInBytes ?? 0;
      if (bytes > 0) bytesReported = true;
      const entry = byExecution[statement.execution] ?? {
        statements: 0,
        billedStatements: 0,
        bytesScanned: 0,
        engineSeconds: 0,
      };
      byExecution[statement.execution] = entry;
      entry.statements++;
      if (QueryExecution?.StatementType !== 'DDL' && statement.state === 'SUCCEEDED')
        entry.billedStatements++;
      entry.bytesScanned += bytes;
      entry.engineSeconds += statement.engineMs / 1000;
    }
  } finally {
    client.destroy();
  }
  return {
    statements: statements.filter((s) => s.execution).length,
    failed: statements
      .filter((s) => s.execution && s.state !== 'SUCCEEDED')
      .map((s) => ({ execution: s.execution, sql: s.sql.slice(0, 300), error: s.error ?? s.state })),
    byExecution,
    bytesReported,
  };
}

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
  // Node's HTTP server stamps responses with its own (unfaked) clock, and the SDK corrects its
  // clock to a response's Date header; the retention play shifts Date, so s3rver's responses carry
  // the process's Date, as S3's carry AWS's clock, and error responses (whose headers s3rver
  // resets) none. Otherwise the SDK signs with the real time and s3rver, on the shifted clock,
  // answers RequestTimeTooSkewed.
  type KoaContext = { res: { sendDate: boolean }; set(name: string, value: string): void };
  (
    s3 as unknown as { middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[] }
  ).middleware.unshift(async (ctx, next) => {
    ctx.res.sendDate = false;
    ctx.set('Date', new Date().toUTCString());
    await next();
  });
  const s3Address = await s3.run();
  const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;
  // The local Athena reads and writes the same buckets: external tables over the raw bucket's
  // landing/, Iceberg tables in the curated bucket, UNLOAD into the published bucket.
  const statements: Statement[] = [];
  let currentExecution = '';
  const localAthena: LocalAthena | undefined = options.athenaEndpoint
    ? undefined
    : await startLocalAthena({
        s3Endpoint,
        onStatement: (e) =>
          statements.push({
            id: e.id,
            execution: currentExecution,
            state: e.state,
            sql: e.sql,
            engineMs: e.engineMs,
            ...(e.error ? { error: e.error } : {}),
          }),
      });
  const athenaEndpoint = options.athenaEndpoint ?? localAthena!.endpoint;
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
  // Every pipeline function gets the same warehouse configuration and buckets from the template.
  const templateEnvironment = [...model.functions()][0]![1].environment;
  const world: World = {
    model,
    machine,
    sim,
    services,
    s3Endpoint,
    athenaEndpoint,
    publishedBucket: templateEnvironment.PUBLISHED_BUCKET!,
    legalHolds: [],
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
    const environment = lambdaEnvironment(world, fn.environment);
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
    currentExecution = name;
    const result = await runStateMachine(machine, input, {
      executionName: name,
      stateMachineArn: model.arnOf(machineId),
      runTask,
    });
    currentExecution = '';
    log(
      `  ${name} ${JSON.stringify(input)}: ${result.status}${result.error ? ` (${result.error})` : ''}, ${result.transitions} transitions${result.waitedSeconds ? `, ${result.waitedSeconds} s of retry waits` : ''}`,
    );
    for (const event of result.events.filter((e) => e.type === 'caught'))
      log(`    caught in ${event.state}: ${event.detail?.slice(0, 600)}`);
    return { name, input, result };
  };

  const plays: PlayResult[] = [];
  let kpiComparison: RehearsalReport['kpiComparison'];
  let retention: RetentionPlay | undefined;
  let athena: AthenaStatistics | undefined;
  const want = (play: PlayName) => !options.plays || options.plays.includes(play);
  try {
    log('play: a first deployment’s full run');
    plays.push({ play: 'first deployment', executions: [await execute({ mode: 'full', full: false })] });

    if (want('hourly extracts and nightly runs')) {
      const simulatedDays = options.simulatedDays ?? 2;
      const extractsPerDay = options.extractsPerDay ?? 3;
      log(`play: ${simulatedDays} simulated days of ${extractsPerDay} extracts and a nightly run`);
      const days: PlayResult['executions'] = [];
      for (let day = 0; day < simulatedDays; day++) {
        for (let hour = 0; hour < extractsPerDay; hour++) {
          world.sim.clock.advance(86_400_000 / (extractsPerDay + 1));
          days.push(await execute({ mode: 'extract', full: false }));
        }
        world.sim.clock.advance(86_400_000 / (extractsPerDay + 1));
        days.push(await execute({ mode: 'full', full: false }));
      }
      plays.push({ play: 'hourly extracts and nightly runs', executions: days });
    }

    if (want('published KPIs equal the local run')) {
      log('play: the published KPIs equal a local DuckDB run’s on the same world');
      const local = await localRun(world, templateEnvironment, join(directory, 'local'));
      const aws = await readPublishedRows(publishedStore(world));
      const all = publicationDifferences(aws, local);
      const isKnown = (d: string) => d.split(':')[0]! in KNOWN_DIFFERENCES;
      const differences = all.filter((d) => !isKnown(d));
      kpiComparison = {
        tables: Object.keys(aws).length,
        rows: Object.values(aws).reduce((n, rows) => n + rows.length, 0),
        differences,
        known: all.filter(isKnown),
      };
      log(
        `  ${kpiComparison.tables} tables, ${kpiComparison.rows} rows published in AWS; ${differences.length === 0 ? 'the same rows locally' : `${differences.length} tables differ`}${kpiComparison.known.length > 0 ? ` (known: ${kpiComparison.known.length})` : ''}`,
      );
      for (const known of kpiComparison.known)
        log(`    known: ${known.slice(0, 300)} — ${KNOWN_DIFFERENCES[known.split(':')[0]!]}`);
      for (const difference of differences) log(`    ✗ ${difference}`);
    }

    if (want('source failing, then recovering')) {
      log('play: a source answering 500 until the retries are spent');
      const faults = world.sim.config.faults as { serverErrorRate: number };
      faults.serverErrorRate = 1;
      const failing = await execute({ mode: 'extract', full: false });
      faults.serverErrorRate = 0;
      const recovering = await execute({ mode: 'extract', full: false });
      plays.push({ play: 'source failing, then recovering', executions: [failing, recovering] });
    }

    if (want('input without mode')) {
      log('play: a backfill started without mode or full');
      plays.push({ play: 'input without mode', executions: [await execute({})] });
    }

    if (want('a run started while another runs')) plays.push(await playOverlappingRuns(execute, log));

    // Last: it deletes most of the world.
    if (want('retention with a legal hold')) {
      log('play: a nightly models run 25 months later, one customer under a legal hold');
      retention = await retentionPlay(world, execute, athenaOf(world, templateEnvironment.WAREHOUSE_CONFIG!));
      plays.push({ play: 'retention with a legal hold', executions: [retention.execution] });
      log(
        `  tickets before ${JSON.stringify(retention.before)}, after ${JSON.stringify(retention.after)} (held ${retention.heldCustomer.slice(0, 12)}…)`,
      );
    }
    athena = await athenaStatistics(world, statements);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in baseEnvironment)) delete process.env[key];
    Object.assign(process.env, baseEnvironment);
    sns.destroy();
    await sim.close();
    await services.close();
    await localAthena?.close();
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
    transitions,
    alerts: services.published(world.alertTopicArn),
    athena: athena ?? { statements: 0, failed: [], byExecution: {}, bytesReported: false },
    ...(kpiComparison ? { kpiComparison } : {}),
    ...(retention ? { retention } : {}),
  };
}

/**
 * What each play must show, as sentences that failed (empty: every play went as a deployment
 * must). The long test asserts the same facts one by one.
 */
export function unmetExpectations(report: RehearsalReport): string[] {
  const unmet: string[] = [];
  const play = (name: PlayName) => report.plays.find((p) => p.play === name)?.executions;
  const status = (e: { result: ExecutionResult }) => e.result.status;
  const first = play('first deployment');
  if (first && first.some((e) => status(e) !== 'SUCCEEDED'))
    unmet.push('the first deployment’s run did not succeed');
  const days = play('hourly extracts and nightly runs');
  if (days?.some((e) => status(e) !== 'SUCCEEDED'))
    unmet.push(
      `runs of the simulated days failed: ${days
        .filter((e) => status(e) !== 'SUCCEEDED')
        .map((e) => e.name)
        .join(', ')}`,
    );
  if (report.kpiComparison && report.kpiComparison.differences.length > 0)
    unmet.push(
      `the published KPIs differ from the local DuckDB run’s in ${report.kpiComparison.differences.length} tables`,
    );
  if (report.kpiComparison && report.kpiComparison.rows === 0) unmet.push('the deployment published no rows');
  const failing = play('source failing, then recovering');
  if (failing) {
    const [down, up] = failing;
    if (down?.result.status !== 'FAILED' || down.result.error !== 'PipelineFailed')
      unmet.push('the run of a source answering 500 did not fail with PipelineFailed');
    if (!report.alerts.some((a) => a.message.includes('pipeline-failed')))
      unmet.push('no pipeline-failed message reached the alert topic');
    if (up?.result.status !== 'SUCCEEDED') unmet.push('the run after the source came back did not succeed');
  }
  const withoutMode = play('input without mode');
  if (withoutMode && withoutMode.some((e) => status(e) !== 'SUCCEEDED'))
    unmet.push('a run started without mode or full failed');
  const retention = report.retention;
  if (retention) {
    if (status(retention.execution) !== 'SUCCEEDED') unmet.push('the retention run failed');
    if (
      retention.after.held !== retention.before.held ||
      retention.landingAfter.held !== retention.landingBefore.held
    )
      unmet.push('retention removed data of the customer under a legal hold');
    if (retention.after.others !== 0 || retention.landingAfter.others !== 0)
      unmet.push('retention kept data of customers past every window and under no hold');
  }
  return unmet;
}
