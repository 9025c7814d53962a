import type { Dialect } from 'kysely';
import type { EngineStatements } from './engine-statements.ts';

/**
 * The query engine. Two implementations share this contract: `duckdb/` (local, embedded default)
 * and `athena/` (AWS). Everything above this interface — the model runner, data tests, publishing,
 * governance — runs the same SQL (Athena / Trino dialect) through it and never knows which one runs.
 *
 * Values come back as plain JSON-able JavaScript, the same from both engines:
 * - integers (TINYINT … HUGEINT) → `number` when within ±2^53, else a decimal `string`;
 * - DOUBLE / REAL / DECIMAL → `number`;
 * - BOOLEAN → `boolean`; VARCHAR / JSON → `string`;
 * - TIMESTAMP / TIMESTAMP WITH TIME ZONE → ISO-8601 UTC string with milliseconds
 *   (`2026-01-31T23:59:59.000Z`); DATE → `YYYY-MM-DD`;
 * - NULL → `null`. Arrays / maps / rows: DuckDB returns them as JS arrays / objects (values
 *   converted as above); Athena returns them as its text rendering (avoid them in results that
 *   must match across engines: cast to JSON / VARCHAR in the query).
 */
export type Row = Record<string, unknown>;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
  /** Bytes of table data read, when the engine reports it (Athena: DataScannedInBytes). */
  readonly bytesScanned?: number;
  /** Rows written by an INSERT / UPDATE / DELETE / MERGE, when the engine reports it. */
  readonly rowsAffected?: number;
}

/** A bound parameter; rendered as a SQL literal on Athena, bound natively on DuckDB. */
export type QueryParameter = string | number | bigint | boolean | null | Date;

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
  /** Positional parameters for `?` (Athena) / `$1` (DuckDB) placeholders; used by the Kysely drivers. */
  readonly parameters?: readonly QueryParameter[];
}

/**
 * What differs between the engines that callers need to know, so that none asks which engine runs
 * (`dialect` names it for logs and audit details only).
 */
export interface EngineCapabilities {
  /** The schema (DuckDB: `main`) or Athena database that holds the warehouse's tables. */
  readonly defaultSchema: string;
  /** Whether the engine can write files on this machine (DuckDB COPY): what compliance exports use. */
  readonly writesLocalFiles: boolean;
  /**
   * How long table snapshots keep their data files, as set on every table the engine creates
   * (Athena Iceberg `vacuum_max_snapshot_age_seconds`); undefined where tables keep no snapshots.
   */
  readonly snapshotMaxAgeSeconds?: number;
}

/** What one maintenance pass did (see QueryEngine.maintainTables). */
export interface TableMaintenanceResult {
  /** Tables maintained one by one (Athena OPTIMIZE + VACUUM); empty where the database is maintained whole. */
  readonly tables: readonly string[];
  readonly statements: number;
  /** One line for the progress log, e.g. `DuckDB CHECKPOINT`. */
  readonly summary?: string;
}

export interface QueryEngine {
  /** Which engine this is, for logs and audit details; decide on `capabilities`, never on this. */
  readonly dialect: 'duckdb' | 'athena';
  readonly capabilities: EngineCapabilities;
  /** The statements this engine needs for sources, seeds and materialisations (see engine-statements.ts). */
  readonly statements: EngineStatements;
  /** Run one statement and read all its rows. */
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  /** Whether a table or view of this name exists in the engine's current schema. */
  relationExists(name: string): Promise<'table' | 'view' | undefined>;
  /** Every table and view of the current schema, in one query (an Athena query costs seconds). */
  listRelations(): Promise<Map<string, 'table' | 'view'>>;
  /**
   * The Kysely dialect over this engine, for application code that reads or writes small tables.
   * Each engine names its own, so code that only needs Kysely never loads the other engine (a
   * Lambda bundle must not pull in DuckDB's native module).
   */
  kyselyDialect(): Dialect;
  /**
   * Make deletes physical: Athena rewrites each Iceberg table without its deleted rows and expires
   * old snapshots (OPTIMIZE, VACUUM; with `snapshotMaxAgeSeconds`, the table's snapshot properties
   * are set first); DuckDB checkpoints its file. Table names must be plain identifiers.
   */
  maintainTables(
    tables: readonly string[],
    options?: { readonly snapshotMaxAgeSeconds?: number },
  ): Promise<TableMaintenanceResult>;
  close(): Promise<void>;
}
