import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { tokenize } from '../sql-tokens.ts';
import {
  AthenaRuleViolation,
  checkLakeFormationGrants,
  checkQueryStringLength,
  DOCS,
} from './athena-rules.ts';
import type { LocalAthenaCatalog } from './local-athena-catalog.ts';
import { LocalAthenaExecutor, type StatementResult } from './local-athena-executor.ts';

export interface LocalAthenaOptions {
  /** S3 endpoint (s3rver) holding the lake: external tables' files and UNLOAD targets. */
  readonly s3Endpoint?: string;
  readonly s3Credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Time each statement spends RUNNING before it executes (a real engine v3 small query: ~1–2 s);
   * a function picks it per statement (a test holds one statement running to stop it).
   */
  readonly latencyMs?: number | ((sql: string) => number);
  /** TCP port on 127.0.0.1; 0 = any free port. */
  readonly port?: number;
  /**
   * Lake Formation as a deployment grants it: the LF-Tag of each relation, and the tags the role
   * behind a workgroup may read (undefined = a workgroup whose role reads everything). Off by
   * default: every caller reads every relation.
   */
  readonly lakeFormation?: {
    readonly tagOf: (relation: string) => string;
    readonly readableTags: (workGroup: string) => ReadonlySet<string> | undefined;
  };
  /** Called for every statement the local Athena finishes (for benches and logs). */
  readonly onStatement?: (event: LocalAthenaStatementEvent) => void;
  /** The clock of Iceberg snapshots and VACUUM's age limit (default: the real one); tests advance it. */
  readonly clock?: () => Date;
}

export interface LocalAthenaStatementEvent {
  readonly id: string;
  readonly sql: string;
  readonly state: QueryState;
  readonly kind?: string;
  readonly error?: string;
  readonly engineMs: number;
  /** What GetQueryExecution reports as `DataScannedInBytes` (0 for DDL and failures). */
  readonly dataScannedBytes: number;
}

export interface LocalAthena {
  /** `http://127.0.0.1:<port>`: the endpoint for `new AthenaClient({ endpoint })`. */
  readonly endpoint: string;
  readonly catalog: LocalAthenaCatalog;
  /** Statements run so far (every StartQueryExecution that was accepted). */
  readonly statementCount: () => number;
  close(): Promise<void>;
}

type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface QueryRecord {
  readonly id: string;
  readonly sql: string;
  readonly database: string;
  readonly catalog: string;
  readonly workGroup: string;
  readonly parameters: readonly string[];
  readonly outputLocation: string;
  readonly submitted: number;
  state: QueryState;
  completed?: number;
  engineMs: number;
  reason?: string;
  error?: { category: number; type: number; message: string; retryable: boolean };
  result?: StatementResult;
  stopLatency?: () => void;
}

/** One GetQueryResults page at most (the API's MaxResults limit and default). */
export const MAX_RESULTS_PER_PAGE = 1000;

/**
 * A local Athena on loopback: the Athena API's JSON protocol (AWS JSON 1.1, `X-Amz-Target:
 * AmazonAthena.<Operation>`) for StartQueryExecution, GetQueryExecution, GetQueryResults and
 * StopQueryExecution, so the real `@aws-sdk/client-athena` (any credentials, any region) talks to it.
 * Statements run one after another, as a workgroup with one slot would, in DuckDB through the
 * project's macros, under Athena engine v3's documented rules (athena-rules.ts).
 */
export async function startLocalAthena(options: LocalAthenaOptions = {}): Promise<LocalAthena> {
  const workDir = await mkdtemp(join(tmpdir(), 'local-athena-'));
  const s3 = options.s3Endpoint
    ? new S3Client({
        endpoint: options.s3Endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: options.s3Credentials ?? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      })
    : undefined;
  const executor = await LocalAthenaExecutor.open({ s3, workDir, clock: options.clock });
  const queries = new Map<string, QueryRecord>();
  const latencyOf = (sql: string) =>
    typeof options.latencyMs === 'function' ? options.latencyMs(sql) : (options.latencyMs ?? 0);
  let queue: Promise<void> = Promise.resolve();
  let running: QueryRecord | undefined;

  const finish = (query: QueryRecord, state: QueryState) => {
    query.state = state;
    query.completed = Date.now();
    options.onStatement?.({
      id: query.id,
      sql: query.sql,
      state,
      kind: query.result?.kind,
      error: query.error?.message,
      engineMs: query.engineMs,
      dataScannedBytes: state === 'SUCCEEDED' ? (query.result?.dataScannedBytes ?? 0) : 0,
    });
  };

  const execute = async (query: QueryRecord): Promise<void> => {
    if (query.state !== 'QUEUED') return;
    query.state = 'RUNNING';
    const started = Date.now();
    const latencyMs = latencyOf(query.sql);
    if (latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, latencyMs);
        query.stopLatency = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (query.state !== 'RUNNING') return; // cancelled while it "ran"
    running = query;
    try {
      const readable = options.lakeFormation?.readableTags(query.workGroup);
      if (options.lakeFormation && readable) {
        const tagOf = options.lakeFormation.tagOf;
        const read = executor.catalog
          .relationsNamedIn(query.database, tokenize(query.sql))
          .flatMap((r) => [r, ...executor.catalog.baseTables(query.database, r.name)])
          .map((r) => ({ name: r.name, tag: tagOf(r.name) }));
        const denied = checkLakeFormationGrants(read, readable);
        if (denied) throw new AthenaRuleViolation('checkLakeFormationGrants', denied);
      }
      query.result = await executor.run(query.sql, query.parameters, query.database);
      query.engineMs = Date.now() - started;
      if (query.state === 'RUNNING') finish(query, 'SUCCEEDED');
    } catch (error) {
      query.engineMs = Date.now() - started;
      if (query.state !== 'RUNNING') return;
      const violation =
        error instanceof AthenaRuleViolation ? error : new AthenaRuleViolation('engine', String(error), 100);
      if (violation.rule === 'cancelled') {
        finish(query, 'CANCELLED');
        return;
      }
      query.reason = violation.message;
      query.error = {
        category: violation.errorType === 100 ? 1 : 2,
        type: violation.errorType,
        message: violation.message,
        retryable: false,
      };
      finish(query, 'FAILED');
    } finally {
      running = undefined;
    }
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    StartQueryExecution(input) {
      const sql = String(input.QueryString ?? '');
      const tooLong = checkQueryStringLength(sql);
      if (tooLong) throw apiError('InvalidRequestException', tooLong);
      const context = (input.QueryExecutionContext ?? {}) as { Database?: string; Catalog?: string };
      const result = (input.ResultConfiguration ?? {}) as { OutputLocation?: string };
      const id = randomUUID();
      const query: QueryRecord = {
        id,
        sql,
        database: context.Database ?? 'default',
        catalog: context.Catalog ?? 'AwsDataCatalog',
        workGroup: String(input.WorkGroup ?? 'primary'),
        parameters: (input.ExecutionParameters as string[] | undefined) ?? [],
        outputLocation: `${result.OutputLocation ?? 's3://local-athena-results/'}${id}.csv`,
        submitted: Date.now(),
        state: 'QUEUED',
        engineMs: 0,
      };
      queries.set(id, query);
      queue = queue.then(() => execute(query));
      return { QueryExecutionId: id };
    },

    GetQueryExecution(input) {
      const query = find(input.QueryExecutionId);
      return {
        QueryExecution: {
          QueryExecutionId: query.id,
          Query: query.sql,
          StatementType: query.result?.statementType ?? 'DML',
          ResultConfiguration: { OutputLocation: query.outputLocation },
          QueryExecutionContext: { Database: query.database, Catalog: query.catalog },
          ExecutionParameters: query.parameters.length > 0 ? query.parameters : undefined,
          WorkGroup: query.workGroup,
          EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
          Status: {
            State: query.state,
            StateChangeReason: query.reason,
            SubmissionDateTime: query.submitted / 1000,
            CompletionDateTime: query.completed === undefined ? undefined : query.completed / 1000,
            AthenaError: query.error
              ? {
                  ErrorCategory: query.error.category,
                  ErrorType: query.error.type,
                  Retryable: query.error.retryable,
                  ErrorMessage: query.error.message,
                }
              : undefined,
          },
          Statistics: {
            EngineExecutionTimeInMillis: query.engineMs,
            TotalExecutionTimeInMillis: (query.completed ?? Date.now()) - query.submitted,
            // As the accounting measured it (local-athena-accounting.ts); a failed query scans nothing billed.
            DataScannedInBytes: query.state === 'SUCCEEDED' ? (query.result?.dataScannedBytes ?? 0) : 0,
          },
        },
      };
    },

    GetQueryResults(input) {
      const query = find(input.QueryExecutionId);
      if (query.state === 'QUEUED' || query.state === 'RUNNING')
        throw apiError(
          'InvalidRequestException',
          `Query has not yet finished. Current state: ${query.state}`,
        );
      if (query.state !== 'SUCCEEDED' || !query.result)
        throw apiError(
          'InvalidRequestException',
          `Query did not finish successfully. Final query state: ${query.state}`,
        );
      const max = input.MaxResults === undefined ? MAX_RESULTS_PER_PAGE : Number(input.MaxResults);
      if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS_PER_PAGE)
        throw apiError('InvalidRequestException', `MaxResults must be from 1 to ${MAX_RESULTS_PER_PAGE}`);
      const result = query.result;
      // The header row (column labels) is the first row of the first page, for SELECT results.
      const all = result.header ? [result.columns.map((c) => c.name), ...result.rows] : result.rows;
      const offset = input.NextToken === undefined ? 0 : decodeToken(String(input.NextToken), query.id);
      const page = all.slice(offset, offset + max);
      const next = offset + max < all.length ? encodeToken(query.id, offset + max) : undefined;
      return {
        UpdateCount: result.updateCount,
        ResultSet: {
          Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: {
            ColumnInfo: result.columns.map((c) => ({
              CatalogName: 'hive',
              SchemaName: '',
              TableName: '',
              Name: c.name,
              Label: c.name,
              Type: c.type,
              Precision: c.precision,
              Scale: c.scale,
              Nullable: 'UNKNOWN',
              CaseSensitive: c.type === 'varchar',
            })),
          },
        },
        NextToken: next,
      };
    },

    StopQueryExecution(input) {
      const query = find(input.QueryExecutionId);
      if (query.state === 'QUEUED' || query.state === 'RUNNING') {
        query.reason = 'Query cancelled by user';
        const wasExecuting = running === query;
        finish(query, 'CANCELLED');
        query.stopLatency?.();
        if (wasExecuting) executor.interrupt();
      }
      return {};
    },
  };

  function find(id: unknown): QueryRecord {
    const query = queries.get(String(id));
    if (!query) throw apiError('InvalidRequestException', `QueryExecution ${String(id)} was not found`);
    return query;
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonAthena.') ? target.slice('AmazonAthena.'.length) : '';
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    };
    try {
      const handler = operations[operation];
      if (request.method !== 'POST' || !handler)
        throw apiError(
          'UnknownOperationException',
          `The local Athena does not implement ${target || request.method}`,
        );
      const input =
        chunks.length > 0
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {};
      send(200, handler(input));
    } catch (error) {
      const api = error as ApiError;
      if (api.apiType) send(400, { __type: api.apiType, Message: api.message, AthenaErrorCode: api.apiType });
      else send(500, { __type: 'InternalServerException', Message: String(error) });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    catalog: executor.catalog,
    statementCount: () => queries.size,
    async close() {
      for (const query of queries.values()) query.stopLatency?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await queue.catch(() => undefined);
      executor.close();
      s3?.destroy();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

interface ApiError extends Error {
  apiType?: string;
}

function apiError(type: string, message: string): ApiError {
  const error: ApiError = new Error(message);
  error.apiType = type;
  return error;
}

function encodeToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64url');
}

function decodeToken(token: string, id: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      id: string;
      offset: number;
    };
    if (parsed.id === id && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // fall through
  }
  throw apiError('InvalidRequestException', `NextToken is not valid for this query (${DOCS.errorCatalog})`);
}
