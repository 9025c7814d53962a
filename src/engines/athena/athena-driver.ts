import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  QueryResult as KyselyQueryResult,
  TransactionSettings,
} from 'kysely';
import type { QueryEngine, QueryParameter } from '#src/engines/query-engine.ts';

/** What the driver runs its statements on (the Athena engine); only its `execute` is needed. */
export type AthenaStatementRunner = Pick<QueryEngine, 'execute'>;

/** Athena has no transactions: Kysely's `transaction()` fails loudly rather than pretending. */
export class AthenaTransactionUnsupportedError extends Error {
  override readonly name = 'AthenaTransactionUnsupportedError';
  constructor() {
    super(
      'Athena has no transactions. Write each change as one statement (Iceberg MERGE / INSERT is atomic) instead of db.transaction().',
    );
  }
}

/** Kysely queries run as Athena query executions through the engine (one "connection": the engine). */
export class AthenaDriver implements Driver {
  constructor(private readonly engine: AthenaStatementRunner) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new AthenaConnection(this.engine);
  }

  async beginTransaction(_connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    throw new AthenaTransactionUnsupportedError();
  }

  async commitTransaction(): Promise<void> {
    throw new AthenaTransactionUnsupportedError();
  }

  async rollbackTransaction(): Promise<void> {
    throw new AthenaTransactionUnsupportedError();
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

class AthenaConnection implements DatabaseConnection {
  constructor(private readonly engine: AthenaStatementRunner) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<KyselyQueryResult<R>> {
    const result = await this.engine.execute(compiled.sql, {
      parameters: compiled.parameters.map((p) => (p === undefined ? null : p) as QueryParameter),
    });
    return {
      rows: result.rows as R[],
      numAffectedRows: result.rowsAffected === undefined ? undefined : BigInt(result.rowsAffected),
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<KyselyQueryResult<R>> {
    yield await this.executeQuery<R>(compiled);
  }
}
