/**
 * The query engine. Two implementations share this contract: `duckdb/` (local, embedded default)
 * and `athena/` (AWS). Everything above this interface — the model runner, data tests, publishing,
 * governance — runs the same SQL (Athena / Trino dialect) through it and never knows which one runs.
 */
export type Row = Record<string, unknown>;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
  /** Bytes of table data read, when the engine reports it (Athena: DataScannedInBytes). */
  readonly bytesScanned?: number;
}

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
}

export interface QueryEngine {
  readonly dialect: 'duckdb' | 'athena';
  /** Run one statement and read all its rows. */
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  close(): Promise<void>;
}
