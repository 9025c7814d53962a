import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { Dialect } from 'kysely';
import type { EngineConfig } from '#src/engines/engine-config.ts';
import type {
  EngineCapabilities,
  ExecuteOptions,
  QueryEngine,
  QueryParameter,
  QueryResult,
  TableMaintenanceResult,
} from '#src/engines/query-engine.ts';
import { DuckDbDialect } from './duckdb-dialect.ts';
import { duckDbStatements } from './duckdb-statements.ts';
import { readRows } from './duckdb-values.ts';

export type DuckDbEngineConfig = Extract<EngineConfig, { kind: 'duckdb' }>;

/** A statement DuckDB refused; carries the statement so the caller can say which model failed. */
export class DuckDbQueryError extends Error {
  override readonly name = 'DuckDbQueryError';
  constructor(
    readonly sql: string,
    cause: unknown,
  ) {
    super(
      `DuckDB refused the statement: ${(cause as Error).message}\n--- statement ---\n${sql.slice(0, 2000)}`,
      {
        cause,
      },
    );
  }
}

export class QueryAbortedError extends Error {
  override readonly name = 'QueryAbortedError';
  constructor(readonly sql: string) {
    super(`The query was cancelled before it finished:\n${sql.slice(0, 500)}`);
  }
}

/**
 * The instance settings of the warehouse's DuckDB: the memory limit and threads of the
 * configuration, and what lets a big desk's transform hold within that limit (docs/DECISIONS.md,
 * 2026-12-07, the transform within a memory limit):
 * - `preserve_insertion_order = false`: a CREATE TABLE AS / INSERT of a big result need not keep
 *   the rows of every thread in their order, so it streams instead of buffering them; no model
 *   relies on row order (every window, `max_by` and published read orders explicitly);
 * - a temp directory beside the database (DuckDB's own default for a file) or where configured,
 *   where joins, aggregates and sorts spill what does not fit, capped by `maxTempDirectorySize`
 *   (DuckDB's default cap is 90 % of the free disk).
 */
export function duckDbInstanceOptions(
  config: Pick<DuckDbEngineConfig, 'memoryLimit' | 'threads'> &
    Partial<Pick<DuckDbEngineConfig, 'tempDirectory' | 'maxTempDirectorySize'>>,
): Record<string, string> {
  return {
    memory_limit: config.memoryLimit,
    threads: String(config.threads),
    preserve_insertion_order: 'false',
    ...(config.tempDirectory ? { temp_directory: config.tempDirectory } : {}),
    ...(config.maxTempDirectorySize ? { max_temp_directory_size: config.maxTempDirectorySize } : {}),
  };
}

const MACROS_FILE = new URL('../../../sql/functions/duckdb-macros.sql', import.meta.url);

/** The compatibility macros, one statement per block (blocks are separated by a line holding `;`). */
export function duckDbMacroStatements(): string[] {
  return readFileSync(MACROS_FILE, 'utf8')
    .split(/^;\s*$/m)
    .map((block) =>
      block
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/**
 * The local engine: DuckDB embedded in the process. One connection runs the statements in order
 * (DuckDB runs a statement on all configured threads; queueing them keeps transactions simple);
 * the Kysely driver opens its own connections on the same instance.
 */
export class DuckDbEngine implements QueryEngine {
  readonly dialect = 'duckdb' as const;
  readonly capabilities: EngineCapabilities = { defaultSchema: 'main', writesLocalFiles: true };
  readonly statements = duckDbStatements;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Open (or create) the database, force UTC, apply limits, load the Trino compatibility macros. */
  static async open(
    config: Pick<DuckDbEngineConfig, 'database' | 'memoryLimit' | 'threads'> &
      Partial<Pick<DuckDbEngineConfig, 'tempDirectory' | 'maxTempDirectorySize'>>,
  ): Promise<DuckDbEngine> {
    if (config.database !== ':memory:') await mkdir(dirname(config.database), { recursive: true });
    const instance = await DuckDBInstance.create(config.database, duckDbInstanceOptions(config));
    const connection = await DuckDbEngine.connect(instance);
    for (const statement of duckDbMacroStatements()) await connection.run(statement);
    return new DuckDbEngine(instance, connection);
  }

  /** A connection whose session is UTC before it runs anything: partition keys and dates depend on it. */
  static async connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
    const connection = await instance.connect();
    // ICU loads with the first connection, so the zone cannot be an instance option.
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
    await connection.run("SET TimeZone = 'UTC'");
    // Trino divides integers by truncating (7 / 2 = 3); DuckDB would return 3.5 by default.
    await connection.run('SET integer_division = true');
    return connection;
  }

  /** A new session on this engine's instance (what the Kysely driver connects with). */
  openSession(): Promise<DuckDBConnection> {
    return DuckDbEngine.connect(this.instance);
  }

  execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const run = this.queue.then(() => this.run(sql, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(sql: string, options: ExecuteOptions): Promise<QueryResult> {
    const { signal, parameters } = options;
    if (signal?.aborted) throw new QueryAbortedError(sql);
    // An interrupt that lands before DuckDB has started the statement is lost, so keep
    // interrupting until the statement returns.
    let repeat: NodeJS.Timeout | undefined;
    const onAbort = () => {
      this.connection.interrupt();
      repeat = setInterval(() => this.connection.interrupt(), 25);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const values = parameters?.map(toDuckDbValue);
      const reader = await this.connection.runAndReadAll(sql, values);
      if (signal?.aborted) throw new QueryAbortedError(sql);
      const { columns, rows } = readRows(reader);
      return { columns, rows, rowsAffected: reader.rowsChanged };
    } catch (error) {
      if (error instanceof QueryAbortedError) throw error;
      if (signal?.aborted) throw new QueryAbortedError(sql);
      throw new DuckDbQueryError(sql, error);
    } finally {
      if (repeat) clearInterval(repeat);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async relationExists(name: string): Promise<'table' | 'view' | undefined> {
    const result = await this.execute(
      'SELECT table_type FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1',
      { parameters: [name] },
    );
    const type = result.rows[0]?.table_type;
    if (type === undefined) return undefined;
    return type === 'VIEW' ? 'view' : 'table';
  }

  async listRelations(): Promise<Map<string, 'table' | 'view'>> {
    const result = await this.execute(
      'SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = current_schema()',
    );
    return new Map(
      result.rows.map((r) => [String(r.table_name), r.table_type === 'VIEW' ? 'view' : 'table']),
    );
  }

  kyselyDialect(): Dialect {
    return new DuckDbDialect(this);
  }

  /** One CHECKPOINT writes the deletes into the database file (DuckDB keeps no snapshots). */
  async maintainTables(): Promise<TableMaintenanceResult> {
    await this.execute('CHECKPOINT');
    return { tables: [], statements: 1, summary: 'DuckDB CHECKPOINT' };
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toDuckDbValue(value: QueryParameter): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  return value;
}
