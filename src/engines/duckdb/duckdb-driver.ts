import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult as KyselyQueryResult,
  SelectQueryNode,
  type TransactionSettings,
} from 'kysely';
import { readRows } from './duckdb-values.ts';

/**
 * Where the driver gets its connections (the engine: `DuckDbEngine.openSession`). Declared here so
 * the driver depends on what it needs, not on the engine that happens to provide it.
 */
export interface DuckDbSessions {
  /** A new connection, its session already set up as the engine's own (UTC, Trino's integer division). */
  openSession(): Promise<DuckDBConnection>;
}

/** Kysely connections on the engine's DuckDB instance: each has its own session (UTC) and transaction. */
export class DuckDbDriver implements Driver {
  private readonly open = new Set<DuckDBConnection>();
  /** Released connections wait here for the next query: opening one costs three SET statements. */
  private readonly idle: DuckDbConnection[] = [];

  constructor(private readonly sessions: DuckDbSessions) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const reused = this.idle.pop();
    if (reused) return reused;
    const connection = await this.sessions.openSession();
    this.open.add(connection);
    return new DuckDbConnection(connection);
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await (connection as DuckDbConnection).run('BEGIN TRANSACTION');
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as DuckDbConnection).run('COMMIT');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as DuckDbConnection).run('ROLLBACK');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.idle.push(connection as DuckDbConnection);
  }

  async destroy(): Promise<void> {
    for (const raw of this.open) raw.closeSync();
    this.open.clear();
    this.idle.length = 0;
  }
}

class DuckDbConnection implements DatabaseConnection {
  constructor(readonly connection: DuckDBConnection) {}

  async run(sqlText: string): Promise<void> {
    await this.connection.run(sqlText);
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<KyselyQueryResult<R>> {
    const values = compiled.parameters.map(toDuckDbValue);
    const reader = await this.connection.runAndReadAll(compiled.sql, values);
    const { rows } = readRows(reader);
    const returnsRows =
      SelectQueryNode.is(compiled.query) ||
      ('returning' in compiled.query && compiled.query.returning !== undefined);
    // DuckDB answers a plain INSERT / UPDATE / DELETE with a one-row `Count` table; Kysely expects no rows.
    return {
      rows: (returnsRows || compiled.query.kind === 'RawNode' ? rows : []) as R[],
      numAffectedRows: returnsRows ? undefined : BigInt(reader.rowsChanged),
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<KyselyQueryResult<R>> {
    yield await this.executeQuery<R>(compiled);
  }
}

function toDuckDbValue(value: unknown): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value as DuckDBValue;
}
