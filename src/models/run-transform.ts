import { createHash } from 'node:crypto';
import * as z from 'zod';
import { quoteIdentifier as q } from '#src/engines/engine-statements.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { ColumnType } from '#src/landing/columns.ts';
import { type LandingStream, landingPrefix, landingStreams } from '#src/landing/landing-schemas.ts';
import { isLatestRowsName } from '#src/landing/latest-rows.ts';
import { isFrozenPartition, readRetentionState } from '#src/models/retention-state.ts';
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
  /**
   * Run under a time limit (a Lambda invocation): stop at a model boundary, or cancel the running
   * statement, and return `done: false`; progress is kept in the lake (`state/transform/<runId>.json`)
   * and the next call with the same run id continues after the last finished model. Absent (the
   * CLI): no limit, no checkpoint, one call builds everything.
   */
  readonly budget?: TransformBudget;
}

/** When a transform must stop: see `TransformOptions.budget`. */
export interface TransformBudget {
  /** Fires when time is up: the statement running is cancelled (StopQueryExecution on Athena). */
  readonly signal: AbortSignal;
  /** Asked before each model: `true` stops at this boundary rather than start another model. */
  readonly stopBeforeModel?: () => boolean;
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
  /** Every model built so far in this run (earlier invocations' included), in build order. */
  readonly models: readonly ModelRunResult[];
  readonly seconds: number;
  /** Whether the landing watermark advanced (only a run of every model consumes the new files). */
  readonly watermarkAdvanced: boolean;
  /** false: stopped by the budget; call again with the same run id to continue. */
  readonly done: boolean;
  /** Which call of this run this was (1 = the first; always 1 without a budget). */
  readonly invocation: number;
  /** Statements this call sent to the engine (bookkeeping included). */
  readonly statements: number;
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

const modelRunResultSchema = z.object({
  model: z.string(),
  materialized: z.enum(['view', 'table', 'incremental']),
  action: z.enum(['view', 'rebuild', 'merge']),
  rows: z.number().nullable(),
  partitions: z.array(z.string()).readonly().optional(),
  statements: z.number(),
  seconds: z.number(),
  bytesScanned: z.number(),
});

/** A budgeted run's progress, rewritten after each step so a retried or continued call resumes safely. */
const transformCheckpointSchema = z.object({
  runId: z.string(),
  full: z.boolean(),
  selection: z.string(),
  /** Calls started so far; each gets fresh scratch locations, so a retry never meets an earlier one's files. */
  invocations: z.number().int().nonnegative(),
  /** The run's row in warehouse_runs is written. */
  started: z.boolean(),
  /** Landing sources and seeds are defined for this run (their `__new` views stay as the first call made them). */
  prepared: z.boolean(),
  landing: z.array(
    z.object({
      table: z.string(),
      files: z.number(),
      newFiles: z.number(),
      newBytes: z.number(),
      totalBytes: z.number(),
    }),
  ),
  consumed: z.array(
    z.object({
      file_key: z.string(),
      source: z.string(),
      stream: z.string(),
      size_bytes: z.number(),
      last_modified: z.string(),
    }),
  ),
  models: z.array(modelRunResultSchema),
  finished: z.boolean(),
  watermarkAdvanced: z.boolean(),
});
type TransformCheckpoint = z.infer<typeof transformCheckpointSchema>;

/** Where a budgeted run keeps its progress in the lake. */
export function transformCheckpointKey(runId: string): string {
  return `state/transform/${encodeURIComponent(runId)}.json`;
}

async function readCheckpoint(store: ObjectStore, runId: string): Promise<TransformCheckpoint | undefined> {
  const key = transformCheckpointKey(runId);
  const body = await store.get(key);
  if (!body) return undefined;
  const parsed = transformCheckpointSchema.safeParse(JSON.parse(new TextDecoder().decode(body)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `The transform checkpoint ${key} is not readable (${issue?.path.join('.')}: ${issue?.message}); ` +
        'delete it to rebuild this run from the start.',
    );
  }
  return parsed.data;
}

async function writeCheckpoint(store: ObjectStore, checkpoint: TransformCheckpoint): Promise<void> {
  await store.put(transformCheckpointKey(checkpoint.runId), JSON.stringify(checkpoint), {
    contentType: 'application/json',
  });
}

/** The budget fired: not a failure, the run continues in the next call. */
class BudgetExhausted extends Error {
  override readonly name = 'BudgetExhausted';
}

/** What a seed or view is built from: a hash of the statements that build it (a run id left out). */
function fingerprintOf(statements: readonly string[]): string {
  return createHash('sha256').update(statements.join('\n;\n')).digest('hex');
}

/** Counts the statements a run sends, whatever sends them (runner, Kysely bookkeeping). */
function countingEngine(engine: QueryEngine): { engine: QueryEngine; count: () => number } {
  let n = 0;
  const counted = Object.create(engine) as QueryEngine;
  counted.execute = (sql, options) => {
    n++;
    return engine.execute(sql, options);
  };
  return { engine: counted, count: () => n };
}

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

/** What a list of statements did: bytes read, and the rows its CREATE TABLE … AS wrote (if the engine said). */
interface RunAllResult {
  readonly bytes: number;
  readonly statements: number;
  readonly written?: number;
}

const DROP_IF_EXISTS = /^DROP TABLE IF EXISTS [`"]?([^`"\s]+)[`"]?$/i;
const CREATE_IF_NOT_EXISTS = /^CREATE (?:EXTERNAL )?TABLE IF NOT EXISTS [`"]?([^`"\s(]+)/i;
const CTAS = /^CREATE (?:OR REPLACE )?TABLE (?!IF NOT EXISTS)\S+ (?:WITH \(.*\) )?AS\b/is;
const INSERT_INTO = /^INSERT\s+INTO\b/i;

/**
 * Leave out what cannot change anything (each is a query, seconds on Athena): a `DROP TABLE IF
 * EXISTS` of a table the catalog does not hold and no earlier statement of the list names, and a
 * `CREATE … IF NOT EXISTS` of a table the catalog holds.
 */
export function withoutNoOps(
  statements: readonly string[],
  relations: ReadonlyMap<string, 'table' | 'view'>,
): string[] {
  return statements.filter((statement, i) => {
    const created = CREATE_IF_NOT_EXISTS.exec(statement);
    if (created) return !relations.has(created[1] as string);
    const dropped = DROP_IF_EXISTS.exec(statement);
    if (!dropped) return true;
    const name = dropped[1] as string;
    return relations.has(name) || statements.slice(0, i).some((earlier) => earlier.includes(name));
  });
}

async function runAll(
  engine: QueryEngine,
  statements: readonly string[],
  signal?: AbortSignal,
  relations?: ReadonlyMap<string, 'table' | 'view'>,
): Promise<RunAllResult> {
  const list = relations ? withoutNoOps(statements, relations) : statements;
  let bytes = 0;
  let written: number | undefined;
  let inTransaction = false;
  try {
    for (const statement of list) {
      const result = await engine.execute(statement, { signal });
      bytes += result.bytesScanned ?? 0;
      if (CTAS.test(statement) || INSERT_INTO.test(statement)) {
        // Athena reports a CTAS's or INSERT's rows as its UpdateCount; DuckDB answers one row
        // { Count }. A rebuild written in partition batches is one CTAS and its INSERTs: the sum.
        const count = result.rows.length === 1 ? result.rows[0]?.Count : undefined;
        const rows = count !== undefined && count !== null ? Number(count) : result.rowsAffected;
        written = rows === undefined ? written : (written ?? 0) + rows;
      }
      if (/^BEGIN\b/i.test(statement)) inTransaction = true;
      if (/^(COMMIT|ROLLBACK)\b/i.test(statement)) inTransaction = false;
    }
  } catch (error) {
    if (inTransaction) await engine.execute('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { bytes, statements: list.length, ...(written === undefined ? {} : { written }) };
}

async function countRows(engine: QueryEngine, relation: string, signal?: AbortSignal): Promise<number> {
  const result = await engine.execute(`SELECT count(*) AS n FROM ${q(relation)}`, { signal });
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Build the models: landing sources and their `__new` views, then the seeds, then every selected
 * model in dependency order with its materialisation. The landing watermark advances only when a
 * run of every model succeeds, so a failed or partial run leaves the new files "new" for the next one.
 *
 * Under a budget (a Lambda invocation) the run stops at a model boundary, or cancels the statement
 * running, when the budget says so, and returns `done: false` with its progress in the lake; the
 * next call with the same run id continues after the last finished model. A retried call (after a
 * crash or a timeout mid-model) first puts back a swap the crash interrupted and drops what the
 * interrupted model left behind, and builds into fresh locations, so it never meets the earlier
 * attempt's files.
 */
export async function runTransform(options: TransformOptions): Promise<TransformResult> {
  const { store, runId, budget } = options;
  const counted = countingEngine(options.engine);
  const engine = counted.engine;
  const signal =
    budget && options.signal
      ? AbortSignal.any([options.signal, budget.signal])
      : (budget?.signal ?? options.signal);
  const full = options.full ?? false;
  const started = performance.now();
  const selectors =
    options.select === undefined
      ? []
      : typeof options.select === 'string'
        ? options.select.split(/[\s,]+/)
        : options.select;
  const partial = selectors.some((s) => s.trim() !== '');
  const selection = partial ? selectors.join(' ') : '';

  const models = loadModels(options.modelsDir ?? DEFAULT_MODELS_DIR);
  const graph = buildModelGraph(models);
  // The latest-row models are part of the landing sources every run defines (like `__new`), whatever
  // the selection: a selected staging model must find them.
  const chosen = partial
    ? selectModels(graph, [
        ...selectors,
        ...models.filter((m) => isLatestRowsName(m.name)).map((m) => m.name),
      ])
    : [...graph.order];

  // A budgeted run keeps its progress in the lake; a run without one starts afresh every time.
  const previous = budget ? await readCheckpoint(store, runId) : undefined;
  if (previous && (previous.full !== full || previous.selection !== selection)) {
    throw new Error(
      `Run ${runId} was started with full=${previous.full} select='${previous.selection}' and is now called with ` +
        `full=${full} select='${selection}'; a run keeps its parameters (start a new run id instead).`,
    );
  }
  const outcome = (checkpoint: TransformCheckpoint, done: boolean): TransformResult => ({
    runId,
    full,
    landing: checkpoint.landing,
    models: checkpoint.models,
    seconds: (performance.now() - started) / 1000,
    watermarkAdvanced: checkpoint.watermarkAdvanced,
    done,
    invocation: checkpoint.invocations,
    statements: counted.count(),
  });
  const checkpoint: TransformCheckpoint = previous
    ? { ...previous, invocations: previous.invocations + 1 }
    : {
        runId,
        full,
        selection,
        invocations: 1,
        started: false,
        prepared: false,
        landing: [],
        consumed: [],
        models: [],
        finished: false,
        watermarkAdvanced: false,
      };
  // A run finished by an earlier call (whose answer was lost): nothing left to do.
  if (previous?.finished) return outcome(previous, true);
  const save = async () => {
    if (budget) await writeCheckpoint(store, checkpoint);
  };
  // Counted before any work, so a call that crashes still gives the next one fresh scratch locations.
  await save();
  const scratchId = checkpoint.invocations === 1 ? runId : `${runId}-${checkpoint.invocations}`;
  const resumed = checkpoint.invocations > 1;

  // What exists, read once and kept current as seeds and models are built (each lookup is a
  // query on Athena).
  const relations = await engine.listRelations();
  const metadata = await RunMetadata.open(engine, relations);
  /** Fingerprints of the seeds and views this call built, recorded when it returns. */
  const rebuilt = new Map<string, string>();
  /** The model being built (a failed run records it as changed everywhere). */
  let building: string | undefined;
  try {
    if (!checkpoint.started) {
      await metadata.startRun({
        runId,
        kind: 'transform',
        full,
        selection: partial ? selection : undefined,
        now: options.now ?? new Date(),
      });
      checkpoint.started = true;
      await save();
    }

    // Seeds and views built from the same statements as last time are left as they are (a full
    // refresh rebuilds them all).
    const built = full ? new Map<string, string>() : await metadata.fingerprints();
    const unchanged = (name: string, kind: 'table' | 'view', print: string) =>
      relations.get(name) === kind && built.get(name) === print;
    if (!checkpoint.prepared) {
      await defineSources(engine, store, options, {
        full,
        scratchId,
        signal,
        relations,
        metadata,
        checkpoint,
        unchanged,
        rebuilt,
      });
      checkpoint.prepared = true;
      await save();
    }

    // A view stores its columns (Athena and DuckDB both fail a view whose tables' columns changed
    // under it), so its fingerprint holds what decides them: every upstream model's SQL, the seeds'
    // and the landing streams' columns.
    const schemas = JSON.stringify([
      (options.seeds ?? []).map((seed) => [seed.name, seed.columns]),
      Object.values(landingStreams as Record<string, LandingStream>).map((st) => [
        st.source,
        st.stream,
        st.columns,
      ]),
    ]);
    const upstreamOf = (name: string): string[] => {
      const seen = new Set<string>();
      const visit = (n: string) => {
        for (const up of graph.upstream.get(n) ?? []) {
          if (seen.has(up)) continue;
          seen.add(up);
          visit(up);
        }
      };
      visit(name);
      const byName = new Map(graph.order.map((m) => [m.name, m]));
      return [schemas, ...[...seen].sort().map((n) => `${n}:${byName.get(n)?.sql ?? ''}`)];
    };

    // Months whose facts retention deleted: their aggregates stay as they were.
    const frozenBefore = (await readRetentionState(store))?.frozenBefore;
    const finished = new Set(checkpoint.models.map((m) => m.model));
    for (const [index, model] of chosen.entries()) {
      if (finished.has(model.name)) continue;
      if (signal?.aborted || budget?.stopBeforeModel?.()) throw new BudgetExhausted();
      options.onProgress?.({ stage: 'model-start', model: model.name, index, total: chosen.length });
      const t0 = performance.now();
      const sentBefore = counted.count();
      building = model.name;
      let result: Omit<ModelRunResult, 'seconds'>;
      try {
        if (resumed) await recoverInterruptedModel(engine, model.name, relations, signal);
        const viewPrint =
          model.header.materialized === 'view'
            ? fingerprintOf([
                ...engine.statements.createView({
                  name: model.name,
                  sql: asSubquery(model),
                  existing: 'view',
                }),
                ...upstreamOf(model.name),
              ])
            : undefined;
        if (viewPrint && unchanged(model.name, 'view', viewPrint)) {
          result = {
            model: model.name,
            materialized: 'view',
            action: 'view',
            rows: null,
            statements: 0,
            bytesScanned: 0,
          };
        } else {
          result = await buildModel(engine, model, {
            full,
            runId: scratchId,
            signal,
            existing: relations.get(model.name),
            relations,
            frozenBefore,
          });
          if (viewPrint) rebuilt.set(model.name, viewPrint);
        }
        relations.set(model.name, result.action === 'view' ? 'view' : 'table');
      } catch (error) {
        if (budget?.signal.aborted) throw new BudgetExhausted('stopped mid-model', { cause: error });
        if (error instanceof IncrementalKeyError) throw error;
        throw new ModelBuildError(model.name, model.file, error);
      }
      // Every statement the model cost, its checks and clean-up included.
      const done = {
        ...result,
        statements: counted.count() - sentBefore,
        seconds: (performance.now() - t0) / 1000,
      };
      checkpoint.models.push(done);
      await save();
      building = undefined;
      options.onProgress?.({ stage: 'model-done', index, total: chosen.length, ...done });
    }

    await recordModelChanges(engine, { runId, changes: changesOf(checkpoint.models), now: new Date() });
    const watermarkAdvanced = !partial;
    await metadata.recordFingerprints(rebuilt, runId);
    rebuilt.clear();
    if (watermarkAdvanced) await metadata.markConsumed(checkpoint.consumed, runId, full);
    await metadata.finishRun(runId, { status: 'succeeded', modelsBuilt: checkpoint.models.length });
    checkpoint.finished = true;
    checkpoint.watermarkAdvanced = watermarkAdvanced;
    await save();
    return outcome(checkpoint, true);
  } catch (error) {
    // What this call built stays built: a later run need not build it again.
    await metadata.recordFingerprints(rebuilt, runId).catch(() => undefined);
    if (error instanceof BudgetExhausted || budget?.signal.aborted) {
      // Not a failure: the run stays `running` and the next call continues from the checkpoint.
      await save();
      return outcome(checkpoint, false);
    }
    await recordModelChanges(engine, {
      runId,
      changes: [
        ...changesOf(checkpoint.models),
        ...(building ? [{ model: building, partitions: 'all' as const }] : []),
      ],
      now: new Date(),
    }).catch(() => undefined);
    await metadata
      .finishRun(runId, {
        status: 'failed',
        modelsBuilt: checkpoint.models.length,
        message: (error as Error).message,
      })
      .catch(() => undefined);
    throw error;
  } finally {
    await metadata.close();
  }
}

/** Landing sources (every file, and the files no successful run consumed yet), then the seeds. */
async function defineSources(
  engine: QueryEngine,
  store: ObjectStore,
  options: TransformOptions,
  context: {
    full: boolean;
    scratchId: string;
    signal: AbortSignal | undefined;
    relations: Map<string, 'table' | 'view'>;
    metadata: RunMetadata;
    checkpoint: TransformCheckpoint;
    unchanged: (name: string, kind: 'table' | 'view', print: string) => boolean;
    rebuilt: Map<string, string>;
  },
): Promise<void> {
  const { full, scratchId, signal, relations, metadata, checkpoint, unchanged, rebuilt } = context;
  const landing: LandingSourceResult[] = [];
  const consumed: TransformCheckpoint['consumed'] = [];
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
      relations,
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

  // The runner's own seed, all SQL knows of runs (no model reads the runner's tables): whether this
  // run rebuilds everything, for models whose incremental shortcut must not narrow a full refresh,
  // and when the previous run of every model started (null before the first).
  const refresh: Seed = {
    name: 'refresh',
    columns: { full_refresh: 'boolean', previous_run_s: 'double' },
    rows: [{ full_refresh: full, previous_run_s: await metadata.previousFullRunStart() }],
  };
  for (const seed of [...(options.seeds ?? []), refresh]) {
    const table = `cfg_${seed.name}`;
    const print = fingerprintOf(
      engine.statements.seedTable({
        name: table,
        columns: seed.columns,
        rows: seed.rows,
        runId: 'fingerprint',
        existing: 'table',
      }),
    );
    if (unchanged(table, 'table', print)) {
      options.onProgress?.({ stage: 'seed', table, rows: seed.rows.length });
      continue;
    }
    await runAll(
      engine,
      engine.statements.seedTable({
        name: table,
        columns: seed.columns,
        rows: seed.rows,
        runId: scratchId,
        existing: relations.get(table),
      }),
      signal,
      relations,
    );
    relations.set(table, 'table');
    rebuilt.set(table, print);
    options.onProgress?.({ stage: 'seed', table, rows: seed.rows.length });
  }
  checkpoint.landing = landing;
  checkpoint.consumed = consumed;
}

/**
 * Before a retried model: put back a table a crash left renamed away mid-swap (so an incremental
 * model keeps its history), and drop the scratch tables the interrupted attempt left.
 */
async function recoverInterruptedModel(
  engine: QueryEngine,
  name: string,
  relations: Map<string, 'table' | 'view'>,
  signal?: AbortSignal,
): Promise<void> {
  const old = `${name}__old`;
  const statements: string[] = [];
  const rename = engine.statements.renameTable;
  if (!relations.has(name) && relations.get(old) === 'table' && rename) {
    statements.push(rename(old, name));
    relations.set(name, 'table');
    relations.delete(old);
  }
  for (const scratch of [`${name}__tmp`, `${name}__delta`, old]) {
    if (relations.get(scratch) !== 'table') continue;
    statements.push(engine.statements.dropTable(scratch));
    relations.delete(scratch);
  }
  await runAll(engine, statements, signal);
}

/** What the run's models changed, for the publisher (every invocation's models of the run). */
function changesOf(models: readonly Omit<ModelRunResult, 'seconds'>[]): ModelChange[] {
  return models.map((m) => ({ model: m.model, partitions: changedPartitions(m) }));
}

/** A view or a rebuilt table may differ anywhere; a merge changed its delta's partitions. */
function changedPartitions(result: Omit<ModelRunResult, 'seconds'>): ModelChange['partitions'] {
  if (result.action !== 'merge') return 'all';
  if (result.partitions) return result.partitions;
  return result.rows === 0 ? [] : 'all';
}

/** What a model's build needs to know beyond the model. */
interface BuildContext {
  readonly full: boolean;
  readonly runId: string;
  readonly signal?: AbortSignal;
  readonly existing: 'table' | 'view' | undefined;
  /** What the catalog holds (for leaving out statements that change nothing). */
  readonly relations: ReadonlyMap<string, 'table' | 'view'>;
  /** `YYYY-MM`: a partition-replacing model leaves the months before it as they are (retention). */
  readonly frozenBefore?: string;
}

type BuildResult = Omit<ModelRunResult, 'seconds'>;

/** Build one model by its materialisation: a view, a rebuilt table, or an incremental merge. */
async function buildModel(engine: QueryEngine, model: Model, context: BuildContext): Promise<BuildResult> {
  const { header } = model;
  if (header.materialized === 'view') return buildView(engine, model, context);

  // A partition-replacing model keeps, on a full refresh, the partitions the refresh no longer
  // produces: KPI aggregates of periods whose source rows retention has deleted are kept (with the
  // KPI version they were computed with), as the spec requires. A change of columns still rebuilds.
  const keepsHistory =
    header.materialized === 'incremental' &&
    header.incrementalStrategy === 'replace_partitions' &&
    context.existing === 'table';
  if (header.materialized === 'table' || context.existing !== 'table' || (context.full && !keepsHistory))
    return rebuildTable(engine, model, context);
  return mergeIncremental(engine, model, context);
}

async function buildView(engine: QueryEngine, model: Model, context: BuildContext): Promise<BuildResult> {
  const { name, header } = model;
  const list = engine.statements.createView({ name, sql: asSubquery(model), existing: context.existing });
  const ran = await runAll(engine, list, context.signal, context.relations);
  return {
    model: name,
    materialized: header.materialized,
    action: 'view',
    rows: null,
    statements: ran.statements,
    bytesScanned: ran.bytes,
  };
}

/** Build the whole table afresh and swap it in (partition batches where the engine limits them). */
async function rebuildTable(engine: QueryEngine, model: Model, context: BuildContext): Promise<BuildResult> {
  const { name, header } = model;
  const { signal } = context;
  // The partitions the rebuild writes, so an engine with a per-statement limit can batch them.
  const found = header.partitionBy
    ? await engine.execute(
        `SELECT DISTINCT CAST(${q(header.partitionBy)} AS VARCHAR) AS p FROM (${asSubquery(model)}) AS ${q(`${name}__partitions`)} WHERE ${q(header.partitionBy)} IS NOT NULL ORDER BY 1`,
        { signal },
      )
    : undefined;
  const list = engine.statements.replaceTable({
    name,
    sql: asSubquery(model),
    partitionBy: header.partitionBy,
    partitions: found?.rows.map((r) => String(r.p)),
    runId: context.runId,
    existing: context.existing,
  });
  const ran = await runAll(engine, list, signal, context.relations);
  return {
    model: name,
    materialized: header.materialized,
    action: 'rebuild',
    // The CTAS (and the INSERTs of further partition batches) say how many rows they wrote; a
    // count only where the engine did not say.
    rows: ran.written ?? (await countRows(engine, name, signal)),
    statements: ran.statements + (found ? 1 : 0),
    bytesScanned: (found?.bytesScanned ?? 0) + ran.bytes,
  };
}

/** Statements and bytes an incremental build has spent so far. */
interface Spent {
  statements: number;
  bytes: number;
}

/**
 * Incremental: materialise what this run changed (the delta), check it, then MERGE it partition
 * batch by partition batch. On a full refresh of a model that keeps its history, a change of
 * columns rebuilds instead.
 */
async function mergeIncremental(
  engine: QueryEngine,
  model: Model,
  context: BuildContext,
): Promise<BuildResult> {
  const { name, header } = model;
  const { signal } = context;
  const statements = engine.statements;
  const base = { model: name, materialized: header.materialized };
  const deltaName = `${name}__delta`;
  const list = statements.createDelta({
    name,
    deltaName,
    sql: asSubquery(model),
    partitionBy: header.partitionBy,
    runId: context.runId,
  });
  const created = await runAll(engine, list, signal, context.relations);
  const spent: Spent = { statements: created.statements, bytes: created.bytes };
  const partitioned = header.partitionBy !== undefined;
  try {
    const rows = created.written ?? (await countRows(engine, deltaName, signal));
    // Nothing changed for this model in this run: nothing to check or merge.
    if (rows === 0 && !context.full)
      return {
        ...base,
        action: 'merge',
        rows,
        partitions: partitioned ? [] : undefined,
        statements: spent.statements,
        bytesScanned: spent.bytes,
      };
    const keyList = header.uniqueKey.map(q).join(', ');
    const duplicates = await engine.execute(
      `SELECT ${keyList}, count(*) AS copies FROM ${q(deltaName)} GROUP BY ${keyList} HAVING count(*) > 1 LIMIT 5`,
      { signal },
    );
    if (duplicates.rows.length > 0) throw new IncrementalKeyError(name, header.uniqueKey, duplicates.rows);
    const described = await engine.execute(`SELECT * FROM ${q(deltaName)} LIMIT 0`, { signal });
    spent.statements += 2;
    if (context.full) {
      const current = await engine.execute(`SELECT * FROM ${q(name)} LIMIT 0`, { signal });
      spent.statements++;
      const same =
        current.columns.length === described.columns.length &&
        current.columns.every((column, i) => column === described.columns[i]);
      if (!same) return await rebuildTable(engine, model, context);
    }
    const partitions = await deltaPartitions(engine, model, deltaName, context, spent);
    if (rows > 0) await mergeDelta(engine, model, deltaName, described.columns, partitions, context, spent);
    return {
      ...base,
      action: 'merge',
      rows,
      partitions,
      statements: spent.statements,
      bytesScanned: spent.bytes,
    };
  } finally {
    await engine.execute(statements.dropTable(deltaName)).catch(() => undefined);
  }
}

/**
 * The delta's partitions (those a MERGE may touch; frozen months left out of a partition
 * replacement), refusing rows without a partition and, for `replace_partitions`, rows without a
 * whole key. Undefined for an unpartitioned model.
 */
async function deltaPartitions(
  engine: QueryEngine,
  model: Model,
  deltaName: string,
  context: BuildContext,
  spent: Spent,
): Promise<string[] | undefined> {
  const { header } = model;
  const { signal } = context;
  const nullKey = header.uniqueKey.map((k) => `${q(k)} IS NULL`).join(' OR ');
  const replaces = header.incrementalStrategy === 'replace_partitions';
  const nullKeyError = () =>
    new Error(
      `unique key (${header.uniqueKey.join(', ')}) is NULL in some rows; replace_partitions needs a key in every row`,
    );
  if (!header.partitionBy) {
    if (replaces) {
      const nullKeys = await engine.execute(`SELECT count(*) AS n FROM ${q(deltaName)} WHERE ${nullKey}`, {
        signal,
      });
      spent.statements++;
      if (Number(nullKeys.rows[0]?.n ?? 0) > 0) throw nullKeyError();
    }
    return undefined;
  }
  // One pass over the delta: its partitions, rows without one, rows without a whole key.
  const p = q(header.partitionBy);
  const found = await engine.execute(
    `SELECT CAST(${p} AS VARCHAR) AS p, count(*) AS n, sum(CASE WHEN ${nullKey} THEN 1 ELSE 0 END) AS null_keys ` +
      `FROM ${q(deltaName)} GROUP BY 1 ORDER BY 1`,
    { signal },
  );
  spent.statements++;
  if (found.rows.some((r) => r.p === null || r.p === undefined)) {
    throw new Error(
      `partition column ${header.partitionBy} is NULL in some rows; every row needs a partition`,
    );
  }
  // A NULL key never matches, so an old row could not be marked for deletion: refuse it.
  if (replaces && found.rows.some((r) => Number(r.null_keys ?? 0) > 0)) throw nullKeyError();
  const partitions = found.rows.map((r) => String(r.p));
  // Months whose facts retention deleted keep the aggregates computed when the facts were there.
  return replaces
    ? partitions.filter((month) => !isFrozenPartition(month, context.frozenBefore))
    : partitions;
}

/** MERGE (or replace the partitions of) the delta into the model, at most 100 partitions a statement. */
async function mergeDelta(
  engine: QueryEngine,
  model: Model,
  deltaName: string,
  columns: readonly string[],
  partitions: readonly string[] | undefined,
  context: BuildContext,
  spent: Spent,
): Promise<void> {
  const { name, header } = model;
  const batches: (string[] | undefined)[] = [];
  if (partitions) {
    for (let i = 0; i < partitions.length; i += MAX_PARTITIONS_PER_STATEMENT) {
      batches.push(partitions.slice(i, i + MAX_PARTITIONS_PER_STATEMENT));
    }
  } else {
    batches.push(undefined);
  }
  for (const batch of batches) {
    const input = {
      target: name,
      deltaName,
      columns,
      uniqueKey: header.uniqueKey,
      partitionBy: header.partitionBy,
      partitions: batch,
      versionColumn: header.versionColumn,
    };
    const merge =
      header.incrementalStrategy === 'replace_partitions' && header.partitionBy && batch
        ? engine.statements.replacePartitions({
            ...input,
            partitionBy: header.partitionBy,
            partitions: batch,
          })
        : engine.statements.merge(input);
    const result = await engine.execute(merge, { signal: context.signal });
    spent.bytes += result.bytesScanned ?? 0;
    spent.statements++;
  }
}
