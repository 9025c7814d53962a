import { performance } from 'node:perf_hooks';
import { buildDashboard } from '#src/dashboard/build-dashboard.ts';
import { unitOfCatalogue } from '#src/dashboard/format-value.ts';
import { loadDashboardData } from '#src/dashboard/load-dashboard-data.ts';
import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { StreamManifest } from '#src/extract/extract-manifest.ts';
import type { MissingStream } from '#src/extract/stream-health.ts';
import type { KpisConfig } from '#src/kpi/kpi-config.ts';
import { DEFAULT_MODELS_DIR, loadModels } from '#src/models/load-models.ts';
import { readModelChanges } from '#src/models/model-changes.ts';
import type { DataTestReport } from '#src/models/run-data-tests.ts';
import { createTableExporter } from '#src/publish/create-table-exporter.ts';
import { buildDataDictionary } from '#src/publish/dictionary/data-dictionary.ts';
import { renderDictionaryPage } from '#src/publish/dictionary/render-dictionary-page.ts';
import { digestBytes } from '#src/publish/file-digest.ts';
import { planTablePublish } from '#src/publish/plan-incremental-publish.ts';
import { type PrunedPublications, prunePublications } from '#src/publish/prune-publications.ts';
import {
  type CompletenessRecord,
  CURRENT_POINTER_KEY,
  type CurrentPointer,
  DASHBOARD_FILE,
  DICTIONARY_FILE,
  MANIFEST_FILE,
  type PublicationManifest,
  type PublishedFile,
  type PublishedTable,
  publicationPrefix,
  runIdSchema,
} from '#src/publish/publication-manifest.ts';
import type { PublishConfig } from '#src/publish/publish-config.ts';
import {
  monthPartitionColumn,
  type PublishedTableSpec,
  publishedTables,
  withheldColumns,
  withheldTextExpressions,
} from '#src/publish/published-tables.ts';
import { readCurrentPointer, readCurrentPublication, readManifest } from '#src/publish/read-publication.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/**
 * What the data tests said. `publish` refuses to run unless the tests passed, or an operator
 * skipped them on purpose (the reason is written into the manifest for whoever reads it later).
 */
export type DataTestGate =
  | DataTestReport
  | {
      readonly passed: boolean;
      readonly tests?: number;
      readonly failures?: readonly string[];
      readonly results?: never;
    }
  | { readonly skipped: string };

export interface PublishOptions {
  /** The sections publishing reads. */
  readonly config: { readonly publish: PublishConfig; readonly kpis: KpisConfig };
  readonly engine: QueryEngine;
  readonly store: ObjectStore;
  readonly runId: string;
  /** Version of the KPI definitions the marts were computed with (see the KPI change log). */
  readonly kpiVersion: string;
  readonly dataTests: DataTestGate;
  /** Tables to publish; defaults to every mart and analyst-readable fact (`published-tables.ts`). */
  readonly tables?: readonly PublishedTableSpec[];
  /** Build the dashboard into the publication. @default true */
  readonly dashboard?: boolean;
  /**
   * The SQL models folder whose headers document the published columns (the data dictionary page
   * and the manifest's column descriptions). @default `WAREHOUSE_SQL_ROOT`, else the repository's `sql/`
   */
  readonly modelsDir?: string;
  /** Local folder for DuckDB's staging files. @default the OS temp folder */
  readonly stagingDir?: string;
  readonly now?: () => Date;
  readonly onProgress?: (event: PublishProgress) => void;
  /**
   * The run's streams and those it did not extract to their end: written into the manifest, the
   * dashboard banner and the `publication_completeness` table. Absent (`warehouse publish` alone):
   * the manifest says null and no completeness table is published, rather than a stale one.
   */
  readonly completeness?: {
    readonly streams: readonly Pick<StreamManifest, 'source' | 'stream'>[];
    readonly missing: readonly MissingStream[];
  };
  /**
   * Write the `publication_completeness` view before exporting. Off in the publish Lambda: a view
   * created there would need the Lake Formation tagging rights only the transform's role holds, so
   * in AWS the label is the manifest's `completeness`.
   * @default true
   */
  readonly completenessTable?: boolean;
}

export type PublishProgress =
  | {
      readonly stage: 'table';
      readonly table: string;
      readonly rowCount: number;
      /** Files written by this publication, and their bytes. */
      readonly files: number;
      readonly bytes: number;
      /** Files of unchanged partitions reused from earlier publications. */
      readonly reused: number;
      readonly ms: number;
    }
  | { readonly stage: 'already-current'; readonly runId: string }
  | { readonly stage: 'missing'; readonly table: string }
  | { readonly stage: 'dashboard'; readonly bytes: number; readonly ms: number }
  | { readonly stage: 'switched'; readonly runId: string; readonly previousRunId: string | undefined }
  | { readonly stage: 'pruned'; readonly runIds: readonly string[]; readonly objects: number };

export interface PublicationResult {
  readonly runId: string;
  readonly prefix: string;
  readonly manifest: PublicationManifest;
  readonly previousRunId: string | undefined;
  /** Object-store key and engine address (a file path locally) of the dashboard, if built. */
  readonly dashboardKey: string | undefined;
  readonly dashboardUri: string | undefined;
  readonly pruned: PrunedPublications;
  /** What this call wrote (table files, dashboard, manifest and pointer) and what it reused. */
  readonly written: { readonly objects: number; readonly bytes: number };
  readonly reused: { readonly files: number; readonly bytes: number };
  /** The run was the current publication already (a retried step): nothing was written. */
  readonly alreadyCurrent: boolean;
}

/** The data tests failed: nothing was written; fix the data (or the test) and run again. */
export class PublicationRefusedError extends Error {
  override readonly name = 'PublicationRefusedError';
  constructor(readonly failures: readonly string[]) {
    super(
      `Publication refused: ${failures.length || 'some'} data test(s) failed` +
        (failures.length
          ? ` (${failures.slice(0, 10).join(', ')}${failures.length > 10 ? ', …' : ''})`
          : '') +
        '. The previous publication stays current; fix the failures and run the pipeline again.',
    );
  }
}

/** Nothing of the published list exists in the warehouse: run the transform first. */
export class NothingToPublishError extends Error {
  override readonly name = 'NothingToPublishError';
  constructor(readonly missing: readonly string[]) {
    super(
      `Nothing to publish: none of ${missing.join(', ')} exists in the warehouse. ` +
        'Run `warehouse transform` (or `warehouse run`) first.',
    );
  }
}

/** The run's publication was made and another has replaced it since: publish under a new run id. */
export class PublicationExistsError extends Error {
  override readonly name = 'PublicationExistsError';
  constructor(
    readonly runId: string,
    readonly currentRunId: string,
  ) {
    super(
      `Run ${runId} was published and ${currentRunId} has replaced it since; publish under a new run id.`,
    );
  }
}

/**
 * Publish the marts and analyst-readable facts as Parquet + CSV, then the dashboard, then the
 * manifest, and only then switch `published/CURRENT.json` to the new publication with one atomic
 * put. Readers resolve the pointer first, so they see the previous publication or this one whole;
 * an interruption at any point before the switch leaves an unreferenced folder that the next
 * publication prunes. Older publications beyond `config.publish.keep` are deleted after the switch,
 * except the files a kept publication still lists.
 *
 * Incremental: a partitioned table's partitions that the transform's change log says are unchanged
 * since the previous publication (and hold the same rows) are not exported again; the manifest
 * lists the previous publication's files for them (`plan-incremental-publish.ts`).
 *
 * Idempotent per run id: a run that is the current publication already (the step retried after
 * its switch) gets its publication back without writing anything.
 *
 * Single writer: two publications must not run at once (the pipeline runs them one after another).
 */
export async function publish(options: PublishOptions): Promise<PublicationResult> {
  const { engine, store, config } = options;
  const runId = runIdSchema.parse(options.runId);
  const gate = checkGate(options.dataTests);
  const now = options.now ?? (() => new Date());
  const prefix = publicationPrefix(runId);
  const emit = options.onProgress ?? (() => {});

  const previous = await readCurrentPointer(store);
  if (previous?.runId === runId) return alreadyCurrent(options, emit);
  const previousManifest = previous
    ? await readManifest(store, previous.prefix)
        .then((m) => m.manifest)
        .catch(() => undefined)
    : undefined;
  const own = await readManifest(store, prefix, { optional: true }).catch(() => undefined);
  if (previous && own && previousManifest && own.manifest.createdAt <= previousManifest.createdAt) {
    throw new PublicationExistsError(runId, previous.runId);
  }
  // Left over by an interrupted attempt under the same run id: unreferenced, so safe to clear.
  const leftovers: string[] = [];
  for await (const object of store.list(prefix)) leftovers.push(object.key);
  if (leftovers.length > 0) await store.delete(leftovers);
  let writtenObjects = 0;
  let writtenBytes = 0;

  const completeness: CompletenessRecord | null = options.completeness
    ? {
        complete: options.completeness.missing.length === 0,
        streams: options.completeness.streams.map((s) => `${s.source}/${s.stream}`),
        missing: [...options.completeness.missing],
      }
    : null;
  if (options.completenessTable ?? true) await writeCompletenessView(engine, runId, completeness);

  // Plan every table before writing anything: a table the policy forbids refuses the whole run.
  const plans: TablePlan[] = [];
  const missingTables: string[] = [];
  for (const spec of options.tables ?? publishedTables) {
    withheldColumns(spec.name, []);
    const relation = await engine.relationExists(spec.name);
    if (!relation) {
      missingTables.push(spec.name);
      emit({ stage: 'missing', table: spec.name });
      continue;
    }
    const sourceColumns = (await engine.execute(`SELECT * FROM ${quoteIdentifier(spec.name)} LIMIT 0`))
      .columns;
    const withheld = withheldColumns(spec.name, sourceColumns);
    const partitionBy = monthPartitionColumn(sourceColumns);
    const columns = sourceColumns.filter((c) => !withheld.includes(c) && c !== partitionBy);
    if (partitionBy) columns.push(partitionBy);
    plans.push({ spec, columns, withheld, partitionBy, relation });
  }
  if (plans.length === 0) throw new NothingToPublishError(missingTables);

  // What the transform changed since the previous publication (undefined: no change log yet).
  const changes = await readModelChanges(engine, previousManifest?.changesThrough ?? undefined);

  const exporter = createTableExporter(engine, store, options.stagingDir);
  const tables: PublishedTable[] = [];
  let reusedFiles = 0;
  let reusedBytes = 0;
  try {
    for (const { spec, columns, withheld, partitionBy, relation } of plans) {
      const started = performance.now();
      const partitionRows = await countRows(engine, spec.name, partitionBy);
      const plan = planTablePublish({
        table: spec.name,
        columns,
        withheld,
        partitionBy,
        relation,
        partitionRows,
        engine: engine.dialect,
        previous: previousManifest,
        changes,
      });
      const exportPartitions = partitionBy
        ? plan.export === 'all'
          ? [...partitionRows.keys()].sort()
          : plan.export
        : undefined;
      const exported =
        exportPartitions?.length === 0
          ? { parquet: [], csv: [] }
          : await exporter.exportTable({
              table: spec.name,
              columns,
              expressions: withheldTextExpressions(spec.name, columns),
              ...(partitionBy ? { partitionBy, partitions: exportPartitions } : {}),
              publicationPrefix: prefix,
            });
      const byPath = (a: PublishedFile, b: PublishedFile) =>
        (a.partition ?? '').localeCompare(b.partition ?? '') || a.path.localeCompare(b.path);
      const rowCount = [...partitionRows.values()].reduce((sum, n) => sum + n, 0);
      tables.push({
        name: spec.name,
        kind: spec.kind,
        rowCount,
        columns,
        withheldColumns: withheld,
        partitionBy: partitionBy ?? null,
        parquet: [...plan.reused.parquet, ...exported.parquet].sort(byPath),
        csv: [...plan.reused.csv, ...exported.csv].sort(byPath),
        ...(partitionBy ? { partitionRows: Object.fromEntries([...partitionRows].sort()) } : {}),
      });
      const files = [...exported.parquet, ...exported.csv];
      const reused = [...plan.reused.parquet, ...plan.reused.csv];
      const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
      writtenObjects += files.length;
      writtenBytes += bytes;
      reusedFiles += reused.length;
      reusedBytes += reused.reduce((sum, f) => sum + f.bytes, 0);
      emit({
        stage: 'table',
        table: spec.name,
        rowCount,
        files: files.length,
        bytes,
        reused: reused.length,
        ms: performance.now() - started,
      });
    }
  } finally {
    await exporter.dispose();
  }

  // The data dictionary of what is published: the manifest's column descriptions and a page.
  const dictionary = buildDataDictionary(
    loadModels(options.modelsDir ?? process.env.WAREHOUSE_SQL_ROOT ?? DEFAULT_MODELS_DIR),
    await describeColumns(engine, tables),
  );
  const tablesWithDocs = tables.map((table): PublishedTable => {
    const entry = dictionary.tables.find((t) => t.name === table.name);
    const columnDescriptions = Object.fromEntries(
      (entry?.columns ?? []).filter((c) => c.description !== '').map((c) => [c.name, c.description]),
    );
    return { ...table, columnDescriptions };
  });
  const dictionaryPage = renderDictionaryPage(dictionary, { runId, kpiVersion: options.kpiVersion });
  await store.put(`${prefix}${DICTIONARY_FILE}`, dictionaryPage, { contentType: 'text/html; charset=utf-8' });
  const dictionaryFile = { path: DICTIONARY_FILE, ...digestBytes(dictionaryPage) };
  writtenObjects += 1;
  writtenBytes += dictionaryFile.bytes;

  const createdAt = now().toISOString();
  let dashboard: PublicationManifest['dashboard'] = null;
  if (options.dashboard ?? true) {
    const started = performance.now();
    const data = await loadDashboardData({
      engine,
      publishedTables: tables.map((t) => t.name),
      trendDays: config.publish.dashboardTrendDays,
      publication: { runId, kpiVersion: options.kpiVersion, createdAt, completeness },
      kpiUnits: Object.fromEntries(
        Object.entries(config.kpis.catalogue).map(([kpi, definition]) => [
          kpi,
          unitOfCatalogue(definition.unit),
        ]),
      ),
    });
    const html = await buildDashboard({ data, dictionaryHref: 'dictionary.html' });
    await store.put(`${prefix}${DASHBOARD_FILE}`, html, { contentType: 'text/html; charset=utf-8' });
    dashboard = { path: DASHBOARD_FILE, ...digestBytes(html) };
    writtenObjects += 1;
    writtenBytes += dashboard.bytes;
    emit({ stage: 'dashboard', bytes: dashboard.bytes, ms: performance.now() - started });
  }

  const manifest: PublicationManifest = {
    format: 'support-kpi-warehouse/publication@1',
    runId,
    kpiVersion: options.kpiVersion,
    createdAt,
    engine: engine.dialect,
    dataTests: gate,
    tables: tablesWithDocs,
    missingTables,
    dashboard,
    dictionary: dictionaryFile,
    completeness,
    previousRunId: previous?.runId ?? null,
    changesThrough: changes?.through ?? null,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await store.put(`${prefix}${MANIFEST_FILE}`, manifestText, { contentType: 'application/json' });

  // The switch: one atomic put (S3 PutObject; locally temp file + fsync + rename).
  const pointer: CurrentPointer = {
    format: 'support-kpi-warehouse/current@1',
    runId,
    prefix,
    manifestSha256: digestBytes(manifestText).sha256,
    switchedAt: now().toISOString(),
  };
  const pointerText = `${JSON.stringify(pointer, null, 2)}\n`;
  await store.put(CURRENT_POINTER_KEY, pointerText, { contentType: 'application/json' });
  writtenObjects += 2;
  writtenBytes += Buffer.byteLength(manifestText) + Buffer.byteLength(pointerText);
  emit({ stage: 'switched', runId, previousRunId: previous?.runId });

  const pruned = await prunePublications({ store, keep: config.publish.keep, current: runId });
  if (pruned.runIds.length > 0) emit({ stage: 'pruned', runIds: pruned.runIds, objects: pruned.objects });

  const dashboardKey = dashboard ? `${prefix}${DASHBOARD_FILE}` : undefined;
  return {
    runId,
    prefix,
    manifest,
    previousRunId: previous?.runId,
    dashboardKey,
    dashboardUri: dashboardKey ? store.uri(dashboardKey) : undefined,
    pruned,
    written: { objects: writtenObjects, bytes: writtenBytes },
    reused: { files: reusedFiles, bytes: reusedBytes },
    alreadyCurrent: false,
  };
}

/**
 * The run is the current publication already: the step was retried after its switch (a Lambda
 * that timed out after the put of the pointer, retried by Step Functions). Its publication is
 * read back, checked against the pointer, and returned as the first attempt would have; the prune
 * runs again (it is idempotent) in case the first attempt stopped before it.
 */
async function alreadyCurrent(
  options: PublishOptions,
  emit: (event: PublishProgress) => void,
): Promise<PublicationResult> {
  const { store, config } = options;
  const publication = await readCurrentPublication(store);
  const { manifest, pointer } = publication;
  emit({ stage: 'already-current', runId: manifest.runId });
  const pruned = await prunePublications({ store, keep: config.publish.keep, current: manifest.runId });
  if (pruned.runIds.length > 0) emit({ stage: 'pruned', runIds: pruned.runIds, objects: pruned.objects });
  const dashboardKey = manifest.dashboard ? publication.key(manifest.dashboard.path) : undefined;
  const files = manifest.tables.flatMap((t) => [...t.parquet, ...t.csv]).filter((f) => f.publication);
  return {
    runId: manifest.runId,
    prefix: pointer.prefix,
    manifest,
    previousRunId: manifest.previousRunId ?? undefined,
    dashboardKey,
    dashboardUri: dashboardKey ? store.uri(dashboardKey) : undefined,
    pruned,
    written: { objects: 0, bytes: 0 },
    reused: { files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) },
    alreadyCurrent: true,
  };
}

/** Rows per partition value (one entry, '', for a table without partitions). */
async function countRows(
  engine: QueryEngine,
  table: string,
  partitionBy: string | undefined,
): Promise<Map<string, number>> {
  if (!partitionBy) {
    const result = await engine.execute(`SELECT count(*) AS row_count FROM ${quoteIdentifier(table)}`);
    return new Map([['', Number(result.rows[0]?.row_count ?? 0)]]);
  }
  const p = quoteIdentifier(partitionBy);
  const result = await engine.execute(
    `SELECT CAST(${p} AS VARCHAR) AS partition_value, count(*) AS row_count FROM ${quoteIdentifier(table)} ` +
      `GROUP BY CAST(${p} AS VARCHAR)`,
  );
  const unpartitioned = result.rows.find(
    (r) => r.partition_value === null || r.partition_value === undefined,
  );
  if (unpartitioned) {
    throw new Error(
      `${table} has ${Number(unpartitioned.row_count)} row(s) without a ${partitionBy}: ` +
        'its Parquet and CSV are written per partition, so every published row needs one',
    );
  }
  return new Map(result.rows.map((r) => [String(r.partition_value), Number(r.row_count)]));
}

export const COMPLETENESS_TABLE = 'publication_completeness';

/**
 * The published tables with their columns' engine types, read from `information_schema.columns`
 * (both engines have it). The types only decorate the dictionary page: where the catalog cannot be
 * read they are left out rather than failing a publication whose files are already written.
 */
async function describeColumns(
  engine: QueryEngine,
  tables: readonly PublishedTable[],
): Promise<{ name: string; kind: string; columns: { name: string; type?: string }[] }[]> {
  const types = new Map<string, string>();
  if (tables.length > 0) {
    try {
      const result = await engine.execute(
        'SELECT table_name, column_name, data_type FROM information_schema.columns ' +
          `WHERE table_name IN (${tables.map((t) => quoteString(t.name)).join(', ')})`,
      );
      for (const row of result.rows) {
        types.set(
          `${String(row.table_name).toLowerCase()}.${String(row.column_name).toLowerCase()}`,
          String(row.data_type),
        );
      }
    } catch {
      // Types are decoration (see above).
    }
  }
  return tables.map((t) => ({
    name: t.name,
    kind: t.kind,
    columns: t.columns.map((name) => {
      const type = types.get(`${t.name.toLowerCase()}.${name.toLowerCase()}`);
      return type ? { name, type } : { name };
    }),
  }));
}

/**
 * One row per extracted stream (`status` complete or missing, missing since when, why) as a view
 * over constants: both engines accept it, and it is exported like any mart. Dropped when the
 * publisher was not told, so an older run's view is never republished as this one's.
 */
async function writeCompletenessView(
  engine: QueryEngine,
  runId: string,
  completeness: CompletenessRecord | null,
): Promise<void> {
  const view = quoteIdentifier(COMPLETENESS_TABLE);
  if (!completeness || completeness.streams.length === 0) {
    await engine.execute(`DROP VIEW IF EXISTS ${view}`);
    return;
  }
  const text = (value: string | null) => (value === null ? 'CAST(NULL AS varchar)' : quoteString(value));
  const rows = completeness.streams.map((key) => {
    const [source = '', stream = ''] = key.split('/');
    const missing = completeness.missing.find((m) => m.source === source && m.stream === stream);
    return `(${[
      text(runId),
      text(source),
      text(stream),
      text(missing ? 'missing' : 'complete'),
      text(missing?.missingSince ?? null),
      text(missing?.lastSucceededAt ?? null),
      text(missing?.error ?? null),
    ].join(', ')})`;
  });
  await engine.execute(
    `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM (VALUES ${rows.join(', ')}) ` +
      'AS t(run_id, source, stream, status, missing_since, last_complete_at, error)',
  );
}

interface TablePlan {
  readonly spec: PublishedTableSpec;
  readonly columns: string[];
  readonly withheld: string[];
  readonly partitionBy: string | undefined;
  readonly relation: 'table' | 'view';
}

function checkGate(gate: DataTestGate): PublicationManifest['dataTests'] {
  if ('skipped' in gate) {
    if (!gate.skipped.trim()) {
      throw new TypeError('dataTests.skipped needs a reason (it is written to the manifest)');
    }
    return { status: 'skipped', reason: gate.skipped };
  }
  if (gate.results !== undefined) {
    const failures = gate.results
      .filter((result) => result.status !== 'pass')
      .map((result) => `${result.model} ${result.test} (${result.status})`);
    if (!gate.passed || failures.length > 0) throw new PublicationRefusedError(failures);
    return { status: 'passed', tests: gate.results.length };
  }
  if (!gate.passed || (gate.failures?.length ?? 0) > 0)
    throw new PublicationRefusedError(gate.failures ?? []);
  return { status: 'passed', tests: gate.tests ?? null };
}
