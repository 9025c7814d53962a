import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsOutput,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { Dialect } from 'kysely';
import type { EngineConfig } from '#src/engines/engine-config.ts';
import type { EngineStatements } from '#src/engines/engine-statements.ts';
import { quoteString } from '#src/engines/engine-statements.ts';
import type {
  EngineCapabilities,
  ExecuteOptions,
  QueryEngine,
  QueryParameter,
  QueryResult,
  Row,
  TableMaintenanceResult,
} from '#src/engines/query-engine.ts';
import { AthenaDialect } from './athena-dialect.ts';
import { athenaStatements, icebergMaintenanceProperties } from './athena-statements.ts';
import { AthenaTableTagger, type AthenaTableTagging } from './athena-table-tagger.ts';
import { AthenaTableVersions, writeTargetOf } from './athena-table-versions.ts';
import { substituteParameters, tokenize } from './sql-tokens.ts';

export type AthenaEngineConfig = Extract<EngineConfig, { kind: 'athena' }>;

/** Athena ran the query and reported FAILED. */
export class AthenaQueryFailedError extends Error {
  override readonly name = 'AthenaQueryFailedError';
  constructor(
    readonly queryExecutionId: string,
    readonly reason: string,
    readonly sql: string,
    readonly errorType?: number,
  ) {
    super(
      `Athena query ${queryExecutionId} failed: ${reason}\n` +
        'Fix the statement (or the table it reads) and run again; the query history in the workgroup has the details.\n' +
        `--- statement ---\n${sql.slice(0, 2000)}`,
    );
  }
}

/** The query was cancelled: by us on abort, by someone in the console, or by the workgroup's bytes-scanned cutoff. */
export class AthenaQueryCancelledError extends Error {
  override readonly name = 'AthenaQueryCancelledError';
  constructor(
    readonly queryExecutionId: string,
    readonly reason: string,
    readonly sql: string,
  ) {
    super(
      `Athena query ${queryExecutionId} was cancelled${reason ? `: ${reason}` : ''}. ` +
        "If the workgroup's data usage limit stopped it, narrow the query or raise the limit.\n" +
        `--- statement ---\n${sql.slice(0, 500)}`,
    );
  }
}

/** Athena kept refusing to start or poll the query (TooManyRequestsException) after every retry. */
export class AthenaThrottledError extends Error {
  override readonly name = 'AthenaThrottledError';
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `Athena throttled the request ${attempts} times in a row (${(cause as Error).message}). ` +
        'Too many queries run at once in this account/workgroup: lower concurrency or ask for a higher quota, then retry.',
      { cause },
    );
  }
}

/** We cancelled the query because the caller's AbortSignal fired. */
export class AthenaQueryAbortedError extends Error {
  override readonly name = 'AthenaQueryAbortedError';
  constructor(
    readonly queryExecutionId: string | undefined,
    readonly sql: string,
  ) {
    super(
      `The query${queryExecutionId ? ` ${queryExecutionId}` : ''} was stopped because the run was aborted.`,
    );
  }
}

export interface AthenaEngineOptions {
  readonly workgroup: string;
  readonly database: string;
  readonly catalog?: string;
  readonly region?: string;
  /** Athena API endpoint (the local Athena on loopback); default: the region's AWS endpoint. */
  readonly endpoint?: string;
  readonly curatedLocation: string;
  /** `vacuum_max_snapshot_age_seconds` of the Iceberg tables it creates (default 86,400: one day). */
  readonly snapshotMaxAgeSeconds?: number;
  /** An AthenaClient to use (tests pass one to aws-sdk-client-mock); default: a new client in `region`. */
  readonly client?: AthenaClient;
  /**
   * Polling of a running query: the first GetQueryExecution after `initialPollMs`, each next delay
   * `pollMultiplier` times the last, at most `maxPollMs`. @default 100 ms, × 1.5, 1,000 ms — a small
   * engine v3 query (a DDL, a CTAS of a few thousand rows) takes about one to three seconds, so a
   * delay that doubled up to 5 s made such a query wait up to twice as long as it ran
   * (docs/DECISIONS.md, 2026-12-07 — Athena polling).
   */
  readonly initialPollMs?: number;
  readonly maxPollMs?: number;
  readonly pollMultiplier?: number;
  /** How many times a throttled call is retried (with the same back-off) before giving up. */
  readonly maxThrottleRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Tag every table and view a statement creates or replaces with a Lake Formation LF-Tag (the
   * deployment grants roles by it). @default off (no Lake Formation call)
   */
  readonly tagTables?: AthenaTableTagging;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A throttled call is retried after 0.5 s, 1 s, 2 s, … up to 8 s. */
const THROTTLE_FIRST_DELAY_MS = 500;
const THROTTLE_MAX_DELAY_MS = 8_000;

/** Wait `ms`, or less if the signal fires first. */
async function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The AWS engine: each statement is a query execution in the configured workgroup (which enforces
 * the result location, encryption and the bytes-scanned cutoff). Polls with exponential back-off,
 * pages the results, and stops the execution when the caller aborts.
 */
const PLAIN_TABLE_NAME = /^[a-z][a-z0-9_]*$/;

export class AthenaEngine implements QueryEngine {
  readonly dialect = 'athena' as const;
  readonly capabilities: EngineCapabilities;
  readonly statements: EngineStatements;
  readonly client: AthenaClient;
  private readonly initialPollMs: number;
  private readonly maxPollMs: number;
  private readonly pollMultiplier: number;
  private readonly maxThrottleRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tagger: AthenaTableTagger | undefined;
  /** Which published names are views over versioned tables, and their versions (athena-table-versions.ts). */
  readonly versions = new AthenaTableVersions();

  constructor(readonly options: AthenaEngineOptions) {
    this.client =
      options.client ??
      new AthenaClient(
        options.endpoint
          ? { region: options.region ?? 'us-east-1', endpoint: options.endpoint }
          : { region: options.region },
      );
    this.statements = athenaStatements({
      curatedLocation: options.curatedLocation,
      versions: this.versions,
      snapshotMaxAgeSeconds: options.snapshotMaxAgeSeconds,
    });
    this.capabilities = {
      defaultSchema: options.database,
      writesLocalFiles: false,
      snapshotMaxAgeSeconds: options.snapshotMaxAgeSeconds,
    };
    this.initialPollMs = options.initialPollMs ?? 100;
    this.maxPollMs = options.maxPollMs ?? 1_000;
    this.pollMultiplier = options.pollMultiplier ?? 1.5;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 6;
    this.sleep = options.sleep ?? defaultSleep;
    this.tagger = options.tagTables
      ? new AthenaTableTagger(options.tagTables, options.database, options.region)
      : undefined;
  }

  static fromConfig(config: AthenaEngineConfig, client?: AthenaClient): AthenaEngine {
    return new AthenaEngine({ ...config, client });
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const { signal, parameters } = options;
    // Athena takes execution parameters only in the WHERE clause of SELECT / INSERT / CTAS / UNLOAD
    // (not in VALUES, SET or LIMIT, not in UPDATE / DELETE / MERGE): every value is inlined as a
    // literal instead, one path for all statements.
    if (parameters && parameters.length > 0) sql = inlineParameters(sql, parameters);
    sql = await this.writeVersionsDirectly(sql);
    if (signal?.aborted) throw new AthenaQueryAbortedError(undefined, sql);
    const started = await this.withThrottleRetry(() =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.options.workgroup,
          QueryExecutionContext: { Database: this.options.database, Catalog: this.options.catalog },
        }),
      ),
    );
    const id = started.QueryExecutionId;
    if (!id)
      throw new AthenaQueryFailedError('(none)', 'StartQueryExecution returned no QueryExecutionId', sql);
    const execution = await this.waitFor(id, sql, signal);
    this.versions.observe(sql);
    await this.tagger?.afterStatement(sql);
    const { columns, rows, updateCount } = await this.readResults(id);
    return {
      columns,
      rows,
      bytesScanned: execution.Statistics?.DataScannedInBytes ?? 0,
      rowsAffected: updateCount,
    };
  }

  private async waitFor(id: string, sql: string, signal?: AbortSignal): Promise<QueryExecution> {
    let delay = this.initialPollMs;
    for (;;) {
      if (signal?.aborted) {
        await this.client
          .send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
          .catch(() => undefined);
        throw new AthenaQueryAbortedError(id, sql);
      }
      const { QueryExecution: execution } = await this.withThrottleRetry(() =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED' && execution) return execution;
      if (state === 'FAILED') {
        const reason =
          execution?.Status?.AthenaError?.ErrorMessage ??
          execution?.Status?.StateChangeReason ??
          'no reason given';
        throw new AthenaQueryFailedError(id, reason, sql, execution?.Status?.AthenaError?.ErrorType);
      }
      if (state === 'CANCELLED') {
        throw new AthenaQueryCancelledError(id, execution?.Status?.StateChangeReason ?? '', sql);
      }
      // An abort wakes the wait at once: the query is stopped now, not after the next poll delay.
      await sleepUnlessAborted(this.sleep, delay, signal);
      delay = Math.min(Math.round(delay * this.pollMultiplier), this.maxPollMs);
    }
  }

  private async readResults(id: string): Promise<{ columns: string[]; rows: Row[]; updateCount?: number }> {
    const rows: Row[] = [];
    let columns: string[] = [];
    let info: ColumnInfo[] = [];
    let updateCount: number | undefined;
    let nextToken: string | undefined;
    let first = true;
    do {
      const page: GetQueryResultsOutput = await this.withThrottleRetry(() =>
        this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken })),
      );
      if (first) {
        info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = info.map((c) => c.Label ?? c.Name ?? '');
        if (page.UpdateCount !== undefined) updateCount = page.UpdateCount;
      }
      const pageRows = page.ResultSet?.Rows ?? [];
      pageRows.forEach((row, index) => {
        const values = (row.Data ?? []).map((d) => d.VarCharValue);
        // SELECT results start with a header row repeating the column labels.
        if (first && index === 0 && columns.length > 0 && values.every((v, i) => v === columns[i])) return;
        const out: Row = {};
        columns.forEach((name, i) => {
          out[name] = fromAthena(values[i], info[i]?.Type);
        });
        rows.push(out);
      });
      first = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns, rows, updateCount };
  }

  private async withThrottleRetry<T>(call: () => Promise<T>): Promise<T> {
    // Throttling backs off on its own schedule: polling fast must not mean retrying a refusal fast.
    let delay = THROTTLE_FIRST_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isThrottle(error)) throw error;
        if (attempt > this.maxThrottleRetries) throw new AthenaThrottledError(attempt, error);
        await this.sleep(delay);
        delay = Math.min(delay * 2, THROTTLE_MAX_DELAY_MS);
      }
    }
  }

  /**
   * A write to a published name that is a view over a versioned table (a MERGE of the runner, a
   * DELETE of retention, OPTIMIZE / VACUUM) goes to the version the view shows. The catalog is read
   * once per engine, at the first write that could need it.
   */
  private async writeVersionsDirectly(sql: string): Promise<string> {
    const target = writeTargetOf(sql);
    if (!target) return sql;
    if (!this.versions.loaded) await this.loadCatalog();
    const version = this.versions.currentOf(target.name);
    if (!version) return sql;
    return `${sql.slice(0, target.start)}${target.quote}${version}${target.quote}${sql.slice(target.end)}`;
  }

  /** Every relation of the database with its kind and, for views, the definition (one query). */
  private async loadCatalog(): Promise<{ name: string; type: string }[]> {
    const db = quoteString(this.options.database);
    const result = await this.execute(
      'SELECT t.table_name, t.table_type, v.view_definition FROM information_schema.tables t ' +
        'LEFT JOIN information_schema.views v ON v.table_schema = t.table_schema AND v.table_name = t.table_name ' +
        `WHERE t.table_schema = ${db}`,
    );
    const relations = result.rows.map((r) => ({
      name: String(r.table_name),
      type: String(r.table_type),
      viewDefinition: r.view_definition == null ? null : String(r.view_definition),
    }));
    this.versions.load(relations);
    return relations;
  }

  async relationExists(name: string): Promise<'table' | 'view' | undefined> {
    const result = await this.execute(
      'SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
      { parameters: [this.options.database, name] },
    );
    const type = result.rows[0]?.table_type;
    if (type === undefined || type === null) return undefined;
    if (type !== 'VIEW') return 'table';
    // A model's published name is a view over its current version: to its readers, a table.
    if (!this.versions.loaded) await this.loadCatalog();
    return this.versions.currentOf(name) === undefined ? 'view' : 'table';
  }

  /** A view over a versioned table is listed as the table it publishes. */
  async listRelations(): Promise<Map<string, 'table' | 'view'>> {
    const relations = await this.loadCatalog();
    return new Map(
      relations.map((r) => [
        r.name,
        r.type === 'VIEW' && this.versions.currentOf(r.name) === undefined ? 'view' : 'table',
      ]),
    );
  }

  /**
   * OPTIMIZE then VACUUM on each table (Iceberg is merge-on-read: the rows a DELETE removed stay in
   * the data files until rewritten; see src/governance/retention/maintain-tables.ts). With
   * `snapshotMaxAgeSeconds`, `ALTER TABLE … SET TBLPROPERTIES` first, so tables created before
   * those properties were part of every CTAS keep the same guarantee.
   */
  async maintainTables(
    tables: readonly string[],
    options: { readonly snapshotMaxAgeSeconds?: number } = {},
  ): Promise<TableMaintenanceResult> {
    const properties =
      options.snapshotMaxAgeSeconds === undefined
        ? undefined
        : Object.entries(icebergMaintenanceProperties(options.snapshotMaxAgeSeconds))
            .map(([k, v]) => `'${k}' = '${v}'`)
            .join(', ');
    const done: string[] = [];
    let statements = 0;
    for (const table of [...new Set(tables)].sort()) {
      // Unquoted: VACUUM takes backticks, not double quotes, and our table names need neither.
      if (!PLAIN_TABLE_NAME.test(table)) throw new Error(`maintenance: not a plain table name: ${table}`);
      if (properties) {
        await this.execute(`ALTER TABLE ${table} SET TBLPROPERTIES (${properties})`);
        statements++;
      }
      await this.execute(`OPTIMIZE ${table} REWRITE DATA USING BIN_PACK`);
      await this.execute(`VACUUM ${table}`);
      statements += 2;
      done.push(table);
    }
    return {
      tables: done,
      statements,
      ...(done.length > 0 ? { summary: `OPTIMIZE + VACUUM on ${done.length} tables` } : {}),
    };
  }

  kyselyDialect(): Dialect {
    return new AthenaDialect(this);
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.tagger?.close();
  }
}

function isThrottle(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'TooManyRequestsException' || name === 'ThrottlingException';
}

/**
 * A parameter as a Trino SQL literal. Trino string literals have no backslash escapes, so doubling
 * `'` is the whole escaping; numbers must be finite; dates become UTC TIMESTAMP literals.
 */
export function athenaLiteral(value: QueryParameter): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('parameter is an invalid Date');
    return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  }
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) throw new TypeError(`parameter is not a finite number: ${value}`);
  return String(value);
}

/** Replace each `?` placeholder (outside quotes and comments) by its value's literal, in order. */
export function inlineParameters(sql: string, parameters: readonly QueryParameter[]): string {
  const tokens = tokenize(sql);
  const placeholders = tokens.filter((t) => t.kind === 'param').length;
  if (placeholders !== parameters.length)
    throw new TypeError(`the statement has ${placeholders} placeholders but ${parameters.length} parameters`);
  return substituteParameters(sql, tokens, parameters.map(athenaLiteral));
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'float', 'real', 'decimal']);

/** Athena returns every value as text; convert it per the QueryEngine value contract. */
export function fromAthena(value: string | undefined, type: string | undefined): unknown {
  if (value === undefined || value === null) return null;
  const t = (type ?? 'varchar').toLowerCase();
  if (INTEGER_TYPES.has(t)) {
    const n = BigInt(value);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : value;
  }
  if (FLOAT_TYPES.has(t) || t.startsWith('decimal')) {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    return Number(value);
  }
  if (t === 'boolean') return value === 'true';
  if (t.startsWith('timestamp')) {
    // '2026-01-31 23:59:59.000' or '2026-01-31 23:59:59.000 UTC' (with time zone; our sessions are UTC).
    const [day, time = '00:00:00', zone] = value.split(' ');
    if (zone && zone !== 'UTC') return value;
    const date = new Date(`${day}T${time}Z`);
    return Number.isNaN(date.getTime()) ? value : date.toISOString();
  }
  return value;
}
