import type { Kysely } from 'kysely';
import { createKysely } from '#src/engines/create-kysely.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { ColumnType } from '#src/landing/columns.ts';
import { RUN_METADATA_TABLES, type RunMetadataTableName } from '#src/shared/runner-tables.ts';

/** One transform (or data-test) run. Timestamps are ISO-8601 UTC strings: portable and sortable. */
export interface WarehouseRunsTable {
  run_id: string;
  kind: string;
  status: string;
  full_refresh: boolean;
  selection: string | null;
  started_at: string;
  finished_at: string | null;
  models_built: number | null;
  message: string | null;
}

/**
 * The landing watermark, kept exactly: every landing file a successful full transform consumed.
 * `__new` = listed files not in here. A file list (not a max-timestamp) cannot miss a file that
 * was written late with an older modification time, and it records the bytes each run read.
 */
export interface LandingWatermarksTable {
  file_key: string;
  source: string;
  stream: string;
  size_bytes: number;
  last_modified: string;
  run_id: string;
}

/**
 * What each seed table and view was last built from (a hash of its rows or its statement): one
 * unchanged since is not built again, which on Athena saves a CTAS and a swap per seed and a
 * statement per view every run.
 */
export interface RelationFingerprintsTable {
  name: string;
  fingerprint: string;
  run_id: string;
}

export interface RunMetadataDatabase {
  warehouse_runs: WarehouseRunsTable;
  landing_watermarks: LandingWatermarksTable;
  run_relation_fingerprints: RelationFingerprintsTable;
}

const tableColumns: Record<keyof RunMetadataDatabase & RunMetadataTableName, Record<string, ColumnType>> = {
  warehouse_runs: {
    run_id: 'varchar',
    kind: 'varchar',
    status: 'varchar',
    full_refresh: 'boolean',
    selection: 'varchar',
    started_at: 'varchar',
    finished_at: 'varchar',
    models_built: 'bigint',
    message: 'varchar',
  },
  run_relation_fingerprints: {
    name: 'varchar',
    fingerprint: 'varchar',
    run_id: 'varchar',
  },
  landing_watermarks: {
    file_key: 'varchar',
    source: 'varchar',
    stream: 'varchar',
    size_bytes: 'bigint',
    last_modified: 'varchar',
    run_id: 'varchar',
  },
};

/** The run metadata tables the runner creates in the engine (the access policy's operational tables). */
export const runMetadataTables: readonly RunMetadataTableName[] = RUN_METADATA_TABLES;

/** Run bookkeeping in the engine itself (DuckDB tables / Iceberg tables), read and written with Kysely. */
export class RunMetadata {
  readonly db: Kysely<RunMetadataDatabase>;

  private constructor(engine: QueryEngine) {
    this.db = createKysely<RunMetadataDatabase>(engine);
  }

  /** `existing`: what the catalog holds, when the caller has listed it (a table there is not created again). */
  static async open(
    engine: QueryEngine,
    existing?: ReadonlyMap<string, 'table' | 'view'>,
  ): Promise<RunMetadata> {
    for (const [name, columns] of Object.entries(tableColumns)) {
      if (existing?.get(name) === 'table') continue;
      await engine.execute(engine.statements.createTableIfMissing(name, columns));
    }
    return new RunMetadata(engine);
  }

  async startRun(run: {
    runId: string;
    kind: string;
    full: boolean;
    selection?: string;
    now: Date;
  }): Promise<void> {
    await this.db
      .insertInto('warehouse_runs')
      .values({
        run_id: run.runId,
        kind: run.kind,
        status: 'running',
        full_refresh: run.full,
        selection: run.selection ?? null,
        started_at: run.now.toISOString(),
        finished_at: null,
        models_built: null,
        message: null,
      })
      .execute();
  }

  async finishRun(
    runId: string,
    outcome: { status: 'succeeded' | 'failed'; modelsBuilt: number; message?: string },
  ) {
    await this.db
      .updateTable('warehouse_runs')
      .set({
        status: outcome.status,
        finished_at: new Date().toISOString(),
        models_built: outcome.modelsBuilt,
        message: outcome.message?.slice(0, 2000) ?? null,
      })
      .where('run_id', '=', runId)
      .execute();
  }

  /** Keys of the landing files already consumed by a successful transform (one query for every stream). */
  async consumedFiles(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('landing_watermarks').select('file_key').execute();
    return new Set(rows.map((r) => r.file_key));
  }

  /** Advance the watermark: these files are consumed. On a full rebuild the ledger is replaced. */
  async markConsumed(
    files: readonly Omit<LandingWatermarksTable, 'run_id'>[],
    runId: string,
    replace: boolean,
  ) {
    if (replace) await this.db.deleteFrom('landing_watermarks').execute();
    // Batches keep each statement well under Athena's query-length limit.
    for (let i = 0; i < files.length; i += 500) {
      const batch = files.slice(i, i + 500).map((f) => ({ ...f, run_id: runId }));
      await this.db.insertInto('landing_watermarks').values(batch).execute();
    }
  }

  /** Each relation's fingerprint as last recorded (one query). */
  async fingerprints(): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('run_relation_fingerprints')
      .select(['name', 'fingerprint'])
      .execute();
    return new Map(rows.map((r) => [r.name, r.fingerprint]));
  }

  /** Record these relations' fingerprints (two statements, whatever their number). */
  async recordFingerprints(fingerprints: ReadonlyMap<string, string>, runId: string): Promise<void> {
    if (fingerprints.size === 0) return;
    const names = [...fingerprints.keys()];
    await this.db.deleteFrom('run_relation_fingerprints').where('name', 'in', names).execute();
    await this.db
      .insertInto('run_relation_fingerprints')
      .values(names.map((name) => ({ name, fingerprint: fingerprints.get(name) as string, run_id: runId })))
      .execute();
  }

  /**
   * When the last succeeded transform of every model started (epoch seconds), null before the
   * first: the models' "previous run", seeded as `cfg_refresh.previous_run_s`. A running or
   * failed run, or one of a selection, never counts.
   */
  async previousFullRunStart(): Promise<number | null> {
    const row = await this.db
      .selectFrom('warehouse_runs')
      .select((eb) => eb.fn.max('started_at').as('started_at'))
      .where('kind', '=', 'transform')
      .where('status', '=', 'succeeded')
      .where('selection', 'is', null)
      .executeTakeFirst();
    const startedAt = row?.started_at;
    return startedAt ? Date.parse(startedAt) / 1000 : null;
  }

  async lastRun(kind = 'transform'): Promise<WarehouseRunsTable | undefined> {
    return this.db
      .selectFrom('warehouse_runs')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
