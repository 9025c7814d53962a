import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { quoteIdentifier as q } from '#src/engines/engine-statements.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { isFrozenPartition, readRetentionState } from '#src/governance/retention/retention-state.ts';
import type { ColumnType } from '#src/landing/columns.ts';
import { type LandingStream, landingPrefix, landingStreams } from '#src/landing/landing-schemas.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { DEFAULT_MODELS_DIR, loadModels, type Model } from './load-models.ts';
import { type ModelChange, recordModelChanges } from './model-changes.ts';
import { buildModelGraph, selectModels } from './model-graph.ts';
import { RunMetadata } from './run-metadata.ts';

/** A configuration table for the models, materialised as `cfg_<name>` before them. */
export interface Seed {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export type TransformProgress =
  | {
      readonly stage: 'landing';
      readonly table: string;
      readonly files: number;
      readonly newFiles: number;
      readonly newBytes: number;
    }
  | { readonly stage: 'seed'; readonly table: string; readonly rows: number }
  | { readonly stage: 'model-start'; readonly model: string; readonly index: number; readonly total: number }
  | ({ readonly stage: 'model-done'; readonly index: number; readonly total: number } & ModelRunResult);

export interface TransformOptions {
  readonly config?: WarehouseConfig;
  readonly engine: QueryEngine;
  readonly store: ObjectStore;
  readonly runId: string;
  /** `model`, `model+` (and downstream), `+model` (and upstream); several allowed. Absent = every model. */
  readonly select?: string | readonly string[];
  /** Rebuild every selected model from all landing rows (`__new` = every file). */
  readonly full?: boolean;
  readonly seeds?: readonly Seed[];
  /** Folder holding `staging/`, `intermediate/`, `marts/` (default: the repository's `sql/`). */
  readonly modelsDir?: string;
  readonly onProgress?: (event: TransformProgress) => void;
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

export interface ModelRunResult {
  readonly model: string;
  readonly materialized: 'view' | 'table' | 'incremental';
  /** `view`, `rebuild` (table built and swapped in) or `merge` (incremental delta merged). */
  readonly action: 'view' | 'rebuild' | 'merge';
  /** Rows in the table after a rebuild, rows merged for an incremental run; null for views. */
  readonly rows: number | null;
  /** Partition values a MERGE touched (incremental, partitioned). */
  readonly partitions?: readonly string[];
  readonly statements: number;
  readonly seconds: number;
  /** Bytes the engine reported reading (Athena); 0 where the engine does not report it. */
  readonly bytesScanned: number;
}

export interface LandingSourceResult {
  readonly table: string;
  readonly files: number;
  readonly newFiles: number;
  readonly newBytes: number;
  readonly totalBytes: number;
}

export interface TransformResult {
  readonly runId: string;
  readonly full: boolean;
  readonly landing: readonly LandingSourceResult[];
  readonly models: readonly ModelRunResult[];
  readonly seconds: number;
  /** Whether the landing watermark advanced (only a run of every model consumes the new files). */
  readonly watermarkAdvanced: boolean;
}

/** An incremental model produced two rows for one unique key in a run: MERGE would be ambiguous. */
export class IncrementalKeyError extends Error {
  override readonly name = 'IncrementalKeyError';
  constructor(
    readonly model: string,
    readonly uniqueKey: readonly string[],
    readonly examples: readonly Record<string, unknown>[],
  ) {
    super(
      `Model ${model} produced several rows for the same unique key (${uniqueKey.join(', ')}) in this run, e.g. ` +
        `${JSON.stringify(examples)}. Deduplicate in the model (row_number() over the key) so each key has one row.`,
    );
  }
}

/** A model failed to build; says which, and why. */
export class ModelBuildError extends Error {
  override readonly name = 'ModelBuildError';
  constructor(
    readonly model: string,
    readonly file: string,
    cause: unknown,
  ) {
    super(`Model ${model} (sql/${file}) failed: ${(cause as Error).message}`, { cause });
  }
}

/** At most this many partitions in one Iceberg MERGE on Athena (and the same batches on DuckDB). */
export const MAX_PARTITIONS_PER_STATEMENT = 100;

interface LandingFile {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

async function listLandingFiles(store: ObjectStore, stream: LandingStream): Promise<LandingFile[]> {
  const files: LandingFile[] = [];
  for await (const info of store.list(landingPrefix(stream))) {
    if (info.key.endsWith('.jsonl.gz') || info.key.endsWith('.jsonl')) files.push(info);
  }
  return files;
}

/** Wrap the model's text so a trailing comment or a leading WITH cannot break the statement around it. */
function asSubquery(model: Model): string {
  return `SELECT * FROM (\n${model.sql}\n) AS ${q(`${model.name}__query`)}`;
}

async function runAll(
  engine: QueryEngine,
  statements: readonly string[],
  signal?: AbortSignal,
): Promise<number> {
  let bytes = 0;
  let inTransaction = false;
  try {
    for (const statement of statements) {
      const result = await engine.execute(statement, { signal });
      bytes += result.bytesScanned ?? 0;
      if (/^BEGIN\b/i.test(statement)) inTransaction = true;
      if (/^(COMMIT|ROLLBACK)\b/i.test(statement)) inTransaction = false;
    }
  } catch (error) {
    if (inTransaction) await engine.execute('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return bytes;
}

async function countRows(engine: QueryEngine, relation: string, signal?: AbortSignal): Promise<number> {
  const result = await engine.execute(`SELECT count(*) AS n FROM ${q(relation)}`, { signal });
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Build the models: landing sources and their `__new` views, then the seeds, then every selected
 * model in dependency order with its materialisation. The landing watermark advances only when a
 * run of every model succeeds, so a failed or partial run leaves the new files "new" for the next one.
 */
export async function runTransform(options: TransformOptions): Promise<TransformResult> {
  const { engine, store, runId, signal } = options;
  const full = options.full ?? false;
  const started = performance.now();
  const selectors =
    options.select === undefined
      ? []
      : typeof options.select === 'string'
        ? options.select.split(/[\s,]+/)
        : options.select;
  const partial = selectors.some((s) => s.trim() !== '');

  const models = loadModels(options.modelsDir ?? DEFAULT_MODELS_DIR);
  const graph = buildModelGraph(models);
  const chosen = partial ? selectModels(graph, selectors) : [...graph.order];

  const metadata = await RunMetadata.open(engine);
  // What each built model changed, for the publisher's incremental export (`model-changes.ts`);
  // recorded when the run ends, failed runs included (a failed model may have merged some batches).
  const changes: ModelChange[] = [];
  try {
    await metadata.startRun({
      runId,
      kind: 'transform',
      full,
      selection: partial ? selectors.join(' ') : undefined,
      now: options.now ?? new Date(),
    });

    // Landing sources: every file, and the ones no successful run has consumed yet.
    const landing: LandingSourceResult[] = [];
    const consumed: {
      file_key: string;
      source: string;
      stream: string;
      size_bytes: number;
      last_modified: string;
    }[] = [];
    const seen = full ? new Set<string>() : await metadata.consumedFiles();
    for (const stream of Object.values(landingStreams) as LandingStream[]) {
      const files = await listLandingFiles(store, stream);
      const fresh = files.filter((f) => !seen.has(f.key));
      const prefixUri = `${store.uri(landingPrefix(stream).replace(/\/$/, ''))}/`;
      await runAll(
        engine,
        engine.statements.landingSources({
          stream,
          allFiles: files.map((f) => store.uri(f.key)),
          newFiles: fresh.map((f) => store.uri(f.key)),
          prefixUri,
        }),
        signal,
      );
      const table = `landing_${stream.source}__${stream.stream}`;
      const result = {
        table,
        files: files.length,
        newFiles: fresh.length,
        newBytes: fresh.reduce((sum, f) => sum + f.size, 0),
        totalBytes: files.reduce((sum, f) => sum + f.size, 0),
      };
      landing.push(result);
      options.onProgress?.({ stage: 'landing', ...result });
      for (const f of full ? files : fresh) {
        consumed.push({
          file_key: f.key,
          source: stream.source,
          stream: stream.stream,
          size_bytes: f.size,
          last_modified: f.lastModified.toISOString(),
        });
      }
    }

    // The runner's own seed: whether this run rebuilds everything, for models whose incremental
    // shortcut must not narrow a full refresh (cfg_refresh).
    const refresh: Seed = {
      name: 'refresh',
      columns: { full_refresh: 'boolean' },
      rows: [{ full_refresh: full }],
    };
    // What exists, read once and kept current as seeds and models are built (each lookup is a
    // query on Athena).
    const relations = await engine.listRelations();
    for (const seed of [...(options.seeds ?? []), refresh]) {
      const table = `cfg_${seed.name}`;
      await runAll(
        engine,
        engine.statements.seedTable({
          name: table,
          columns: seed.columns,
          rows: seed.rows,
          runId,
          existing: relations.get(table),
        }),
        signal,
      );
      relations.set(table, 'table');
      options.onProgress?.({ stage: 'seed', table, rows: seed.rows.length });
    }

    // Months whose facts retention deleted: their aggregates stay as they were.
    const frozenBefore = (await readRetentionState(store))?.frozenBefore;
    const results: ModelRunResult[] = [];
    for (const [index, model] of chosen.entries()) {
      options.onProgress?.({ stage: 'model-start', model: model.name, index, total: chosen.length });
      const t0 = performance.now();
      changes.push({ model: model.name, partitions: 'all' });
      let result: Omit<ModelRunResult, 'seconds'>;
      try {
        result = await buildModel(engine, model, {
          full,
          runId,
          signal,
          existing: relations.get(model.name),
          frozenBefore,
        });
        relations.set(model.name, result.action === 'view' ? 'view' : 'table');
      } catch (error) {
        if (error instanceof IncrementalKeyError) throw error;
        throw new ModelBuildError(model.name, model.file, error);
      }
      changes[changes.length - 1] = { model: model.name, partitions: changedPartitions(result) };
      const done = { ...result, seconds: (performance.now() - t0) / 1000 };
      results.push(done);
      options.onProgress?.({ stage: 'model-done', index, total: chosen.length, ...done });
    }

    await recordModelChanges(engine, { runId, changes, now: new Date() });
    const watermarkAdvanced = !partial;
    if (watermarkAdvanced) await metadata.markConsumed(consumed, runId, full);
    await metadata.finishRun(runId, { status: 'succeeded', modelsBuilt: results.length });
    return {
      runId,
      full,
      landing,
      models: results,
      seconds: (performance.now() - started) / 1000,
      watermarkAdvanced,
    };
  } catch (error) {
    await recordModelChanges(engine, { runId, changes, now: new Date() }).catch(() => undefined);
    await metadata
      .finishRun(runId, { status: 'failed', modelsBuilt: 0, message: (error as Error).message })
      .catch(() => undefined);
    throw error;
  } finally {
    await metadata.close();
  }
}

/** A view or a rebuilt table may differ anywhere; a merge changed its delta's partitions. */
function changedPartitions(result: Omit<ModelRunResult, 'seconds'>): ModelChange['partitions'] {
  if (result.action !== 'merge') return 'all';
  if (result.partitions) return result.partitions;
  return result.rows === 0 ? [] : 'all';
}

async function buildModel(
  engine: QueryEngine,
  model: Model,
  context: {
    full: boolean;
    runId: string;
    signal?: AbortSignal;
    existing: 'table' | 'view' | undefined;
    /** `YYYY-MM`: a partition-replacing model leaves the months before it as they are (retention). */
    frozenBefore?: string;
  },
): Promise<Omit<ModelRunResult, 'seconds'>> {
  const { header, name } = model;
  const { runId, signal, existing } = context;
  const statements = engine.statements;
  const base = { model: name, materialized: header.materialized };

  if (header.materialized === 'view') {
    const list = statements.createView({ name, sql: asSubquery(model), existing });
    const bytes = await runAll(engine, list, signal);
    return { ...base, action: 'view', rows: null, statements: list.length, bytesScanned: bytes };
  }

  // A partition-replacing model keeps, on a full refresh, the partitions the refresh no longer
  // produces: KPI aggregates of periods whose source rows retention has deleted are kept (with the
  // KPI version they were computed with), as the spec requires. A change of columns still rebuilds.
  const keepsHistory =
    header.materialized === 'incremental' &&
    header.incrementalStrategy === 'replace_partitions' &&
    existing === 'table';
  const rebuild = async (): Promise<Omit<ModelRunResult, 'seconds'>> => {
    const list = statements.replaceTable({
      name,
      sql: asSubquery(model),
      partitionBy: header.partitionBy,
      runId,
      existing,
    });
    const bytes = await runAll(engine, list, signal);
    return {
      ...base,
      action: 'rebuild',
      rows: await countRows(engine, name, signal),
      statements: list.length,
      bytesScanned: bytes,
    };
  };
  if (header.materialized === 'table' || existing !== 'table' || (context.full && !keepsHistory))
    return rebuild();

  // Incremental: materialise what this run changed, then MERGE it, partition batch by partition batch.
  const deltaName = `${name}__delta`;
  const list = statements.createDelta({
    name,
    deltaName,
    sql: asSubquery(model),
    partitionBy: header.partitionBy,
    runId,
  });
  let bytes = await runAll(engine, list, signal);
  let count = list.length;
  try {
    const keyList = header.uniqueKey.map(q).join(', ');
    const duplicates = await engine.execute(
      `SELECT ${keyList}, count(*) AS copies FROM ${q(deltaName)} GROUP BY ${keyList} HAVING count(*) > 1 LIMIT 5`,
      { signal },
    );
    if (duplicates.rows.length > 0) throw new IncrementalKeyError(name, header.uniqueKey, duplicates.rows);
    const described = await engine.execute(`SELECT * FROM ${q(deltaName)} LIMIT 0`, { signal });
    if (context.full) {
      const current = await engine.execute(`SELECT * FROM ${q(name)} LIMIT 0`, { signal });
      const same =
        current.columns.length === described.columns.length &&
        current.columns.every((column, i) => column === described.columns[i]);
      if (!same) return await rebuild();
    }
    const rows = await countRows(engine, deltaName, signal);
    let partitions: string[] | undefined;
    if (header.partitionBy) {
      const p = q(header.partitionBy);
      const found = await engine.execute(
        `SELECT DISTINCT CAST(${p} AS VARCHAR) AS p FROM ${q(deltaName)} WHERE ${p} IS NOT NULL ORDER BY 1`,
        { signal },
      );
      partitions = found.rows.map((r) => String(r.p));
      // Months whose facts retention deleted keep the aggregates computed when the facts were there.
      if (header.incrementalStrategy === 'replace_partitions')
        partitions = partitions.filter((p) => !isFrozenPartition(p, context.frozenBefore));
      const nulls = await engine.execute(`SELECT count(*) AS n FROM ${q(deltaName)} WHERE ${p} IS NULL`, {
        signal,
      });
      if (Number(nulls.rows[0]?.n ?? 0) > 0) {
        throw new Error(
          `partition column ${header.partitionBy} is NULL in some rows; every row needs a partition`,
        );
      }
    }
    if (rows > 0) {
      const batches: (string[] | undefined)[] = [];
      if (partitions) {
        for (let i = 0; i < partitions.length; i += MAX_PARTITIONS_PER_STATEMENT) {
          batches.push(partitions.slice(i, i + MAX_PARTITIONS_PER_STATEMENT));
        }
      } else {
        batches.push(undefined);
      }
      if (header.incrementalStrategy === 'replace_partitions') {
        // A NULL key never matches, so an old row could not be marked for deletion: refuse it.
        const nullKeys = await engine.execute(
          `SELECT count(*) AS n FROM ${q(deltaName)} WHERE ${header.uniqueKey.map((k) => `${q(k)} IS NULL`).join(' OR ')}`,
          { signal },
        );
        if (Number(nullKeys.rows[0]?.n ?? 0) > 0) {
          throw new Error(
            `unique key (${header.uniqueKey.join(', ')}) is NULL in some rows; replace_partitions needs a key in every row`,
          );
        }
      }
      for (const batch of batches) {
        const input = {
          target: name,
          deltaName,
          columns: described.columns,
          uniqueKey: header.uniqueKey,
          partitionBy: header.partitionBy,
          partitions: batch,
          versionColumn: header.versionColumn,
        };
        const merge =
          header.incrementalStrategy === 'replace_partitions' && header.partitionBy && batch
            ? statements.replacePartitions({ ...input, partitionBy: header.partitionBy, partitions: batch })
            : statements.merge(input);
        const result = await engine.execute(merge, { signal });
        bytes += result.bytesScanned ?? 0;
        count++;
      }
    }
    return { ...base, action: 'merge', rows, partitions, statements: count, bytesScanned: bytes };
  } finally {
    await engine.execute(statements.dropTable(deltaName)).catch(() => undefined);
  }
}
