import { checkEngineSettings } from '#src/config/check-engine-settings.ts';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import {
  runSentimentStage,
  type SentimentStageResult,
} from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import type { ExtractManifest } from '#src/extract/extract-manifest.ts';
import { formatProgressEvent } from '#src/extract/extract-progress.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { describeMissingStream, type MissingStream, recordStreamHealth } from '#src/extract/stream-health.ts';
import type { AuditLog } from '#src/governance/audit/audit-log.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { evaluateSlaAlerts, type SlaAlertEvaluation } from '#src/kpi/alerts/evaluate-sla-alerts.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';
import { readScorecard, type ScorecardSummary } from '#src/kpi/scorecard/read-scorecard.ts';
import { type DataTestReport, runDataTests } from '#src/models/run-data-tests.ts';
import { runTransform, type TransformResult } from '#src/models/run-transform.ts';
import { startEmbeddedSimulator } from '#src/pipeline/embedded-simulator.ts';
import { localStages, type StageName } from '#src/pipeline/pipeline-stages.ts';
import { IncompleteRunError, notifyRunFailure } from '#src/pipeline/run-failure.ts';
import { landedBytes, transformMemoryWarning } from '#src/pipeline/transform-memory.ts';
import { type PublicationResult, publish } from '#src/publish/publish.ts';
import { newRunId } from '#src/shared/run-id.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

export interface PipelineOptions {
  readonly config: WarehouseConfig;
  /** Names every file, manifest and audit entry of this run. Default: the start time. */
  readonly runId?: string;
  /** Rebuild every model from all landing rows instead of the rows that arrived since the last run. */
  readonly full?: boolean;
  /** One progress line (the CLI prints them; Lambda logs them). */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Environment for source credentials and the HMAC key. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Publish even when some streams did not extract to their end, labelling the publication with
   * what is missing and since when. Default: `config.publish.allowPartial` (false).
   */
  readonly allowPartial?: boolean;
  /** The desk's "now" when no simulator is embedded. Default: the wall clock. */
  readonly now?: () => Date;
}

export interface PipelineResult {
  readonly runId: string;
  /** The desk's "now" the KPIs were computed at: the simulator's clock, or the wall clock. */
  readonly now: Date;
  readonly kpiVersion: string;
  readonly usedSimulator: boolean;
  readonly extract: ExtractManifest;
  /** Streams this run did not read to their end (only ever non-empty when partial runs are allowed). */
  readonly missingStreams: readonly MissingStream[];
  readonly sentiment: SentimentStageResult;
  /** The KPI definitions changed since the last run, so every model was rebuilt from all landing rows. */
  readonly rebuiltForNewDefinitions: boolean;
  readonly transform: TransformResult;
  readonly dataTests: DataTestReport;
  readonly alerts: SlaAlertEvaluation;
  /** Absent when the data tests failed: nothing was published and the previous publication stays. */
  readonly publication?: PublicationResult;
  /** The latest period of each KPI at its review frequency, as `kpi_scorecard` holds it. */
  readonly scorecard: ScorecardSummary;
  readonly seconds: number;
}

/** The stages `warehouse run` runs; retention is its own command locally. */
type LocalStageName = Exclude<StageName, 'retention'>;

const KPI_VERSION_KEY = 'state/kpi-version.json';

/** The KPI version the models were last built with, or undefined before the first build. */
async function builtKpiVersion(store: ObjectStore): Promise<string | undefined> {
  const bytes = await store.get(KPI_VERSION_KEY);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as { version: string }).version : undefined;
}

/**
 * Record and audit that the models are now built with `version`. Called only after the transform
 * succeeded: if the rebuild for new definitions fails, the next run still sees the change and
 * rebuilds again, rather than leaving months computed with the old definitions behind.
 */
async function recordKpiVersion(
  store: ObjectStore,
  audit: AuditLog,
  runId: string,
  version: string,
  previous: string | undefined,
): Promise<void> {
  await audit.append({
    role: 'pipeline',
    action: 'kpi_definition.change',
    target: version,
    outcome: 'success',
    details: { run_id: runId, previous_version: previous ?? null },
  });
  await store.put(KPI_VERSION_KEY, JSON.stringify({ version, since_run: runId }));
}

/**
 * The whole job: extract every source (from the simulator when no base URL is configured), score
 * message sentiment, build the models, run the data tests, publish and evaluate the SLA alert — in
 * the order of the one stage list (`pipeline-stages.ts`), each stage audited. A failing data test stops before publishing (write, audit, then
 * publish): the previous publication stays current and the result says why.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  // Engine settings and time zones tried on DuckDB before the first source is read.
  await checkEngineSettings(options.config);
  const store = createObjectStore(options.config.lake);
  const simulated = await startEmbeddedSimulator(options.config);
  if (simulated) log(`simulate: ${simulated.description}`);
  const config = simulated?.config ?? options.config;
  const now = simulated?.now ?? options.now ?? (() => new Date());
  const allowPartial = options.allowPartial ?? config.publish.allowPartial;
  const runId = options.runId ?? newRunId(new Date());
  const audit = createAuditLog(config, { actor: 'pipeline', clock: () => new Date() });
  const version = kpiVersion(config);
  let engine: QueryEngine | undefined;
  // Before anything runs, and again before the transform with what this run landed: a memory
  // limit too low for the landed data is a warning line, not a failure (DuckDB may still fit).
  let memoryWarned = false;
  const warnAboutMemory = async () => {
    if (memoryWarned || config.engine.kind !== 'duckdb') return;
    const warning = transformMemoryWarning(config, await landedBytes(store));
    if (warning) log(warning);
    memoryWarned = warning !== undefined;
  };

  const stage = <T>(
    name: string,
    work: () => Promise<T>,
    summarise?: (result: T) => Record<string, number>,
  ) =>
    audit.record({ role: 'pipeline', action: 'pipeline.stage', target: `${runId}/${name}` }, work, summarise);

  try {
    return await audit.record(
      { role: 'pipeline', action: 'pipeline.run', target: runId, details: { kpi_version: version } },
      async () => {
        await warnAboutMemory();
        const previousVersion = await builtKpiVersion(store);
        const definitionsChanged = previousVersion !== version;
        // Numbers already published were computed with the old definitions: recompute all of them.
        const newDefinitions = definitionsChanged && previousVersion !== undefined;
        const rebuild = options.full === true || newDefinitions;
        if (newDefinitions)
          log(
            `transform: KPI definitions changed (now ${version}); rebuilding every model from all landing rows`,
          );

        // Each stage of the one stage list (src/pipeline/pipeline-stages.ts), run in its order.
        let extract: ExtractManifest | undefined;
        let missingStreams: MissingStream[] = [];
        let sentiment: SentimentStageResult | undefined;
        let transform: TransformResult | undefined;
        let dataTests: DataTestReport | undefined;
        let alerts: SlaAlertEvaluation | undefined;
        let publication: PublicationResult | undefined;
        const openEngine = async () => {
          engine ??= await createQueryEngine(config, store);
          return engine;
        };
        const stages: Record<LocalStageName, () => Promise<void>> = {
          extract: async () => {
            extract = await stage(
              'extract',
              () =>
                runExtraction({
                  config,
                  store,
                  runId,
                  now,
                  signal: options.signal,
                  endpoints: simulated?.endpoints,
                  env: options.env,
                  onProgress: (event) => {
                    if (event.kind !== 'page' || event.pages % 10 === 0) log(formatProgressEvent(event));
                  },
                }),
              (m) => ({ streams: m.streams.length, records: m.streams.reduce((n, s) => n + s.records, 0) }),
            );
            missingStreams = await recordStreamHealth(store, extract);
            // Stopped on purpose (Ctrl-C, a time budget): the streams are at their checkpoints.
            options.signal?.throwIfAborted();
            if (missingStreams.length > 0) {
              for (const m of missingStreams) log(`extract: ✗ ${describeMissingStream(m)}`);
              if (!allowPartial) {
                // Nothing downstream runs: the models, the data tests and the publication stay as the
                // last whole run left them, and the next run continues every stream from its checkpoint.
                throw new IncompleteRunError(runId, missingStreams);
              }
              log(
                `extract: ${missingStreams.length} stream(s) incomplete; publishing a partial run as asked ` +
                  '(the manifest, the dashboard and publication_completeness say what is missing)',
              );
            }
          },
          sentiment: async () => {
            sentiment = await stage(
              'sentiment',
              () => runSentimentStage({ config, store, runId, now: now() }),
              (r) => ({ files: r.files, messages: r.messages }),
            );
            log(
              `sentiment: ${sentiment.messages} customer messages scored by ${sentiment.analyser} in ${sentiment.seconds.toFixed(1)} s`,
            );
          },
          transform: async () => {
            await warnAboutMemory();
            const runEngine = await openEngine();
            transform = await stage(
              'transform',
              () =>
                runTransform({
                  engine: runEngine,
                  store,
                  runId,
                  full: rebuild,
                  now: now(),
                  seeds: buildSeeds(config, { now: now() }),
                  signal: options.signal,
                  onProgress: (event) => {
                    if (event.stage === 'model-done')
                      log(
                        `transform [${event.index}/${event.total}] ${event.model}: ${event.action}` +
                          `${event.rows === null ? '' : `, ${event.rows} rows`}, ${event.seconds.toFixed(2)} s`,
                      );
                  },
                }),
              (t) => ({ models: t.models.length }),
            );
            if (definitionsChanged) await recordKpiVersion(store, audit, runId, version, previousVersion);
          },
          'data-tests': async () => {
            const runEngine = await openEngine();
            const report = await stage(
              'data-tests',
              () => runDataTests({ engine: runEngine, now: now(), signal: options.signal }),
              (r) => ({ passed: r.counts.pass, failed: r.counts.fail, errors: r.counts.error }),
            );
            dataTests = report;
            log(
              `data tests: ${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.error} errors`,
            );
            for (const failure of report.results.filter((r) => r.status !== 'pass'))
              log(
                `  ✗ ${failure.model} ${failure.test}: ${failure.message ?? `${failure.failingRows} failing rows`}`,
              );
          },
          publish: async () => {
            const runEngine = await openEngine();
            const report = dataTests;
            if (!report?.passed) {
              log('publish: skipped — data tests failed; the previous publication stays current');
              return;
            }
            publication = await stage(
              'publish',
              () =>
                publish({
                  config,
                  engine: runEngine,
                  store,
                  runId,
                  kpiVersion: version,
                  dataTests: report,
                  completeness: { streams: extract?.streams ?? [], missing: missingStreams },
                  onProgress: (event) => {
                    if (event.stage === 'table')
                      log(`publish ${event.table}: ${event.rowCount} rows, ${event.files} files`);
                  },
                }),
              (p) => ({ tables: p.manifest.tables.length }),
            );
          },
          'sla-alerts': async () => {
            const runEngine = await openEngine();
            const evaluation = await stage(
              'sla-alerts',
              () => evaluateSlaAlerts({ config, engine: runEngine, store, runId, now: now() }),
              (a) => ({ alerts: a.alerts.length }),
            );
            alerts = evaluation;
            log(
              `sla alert: ${evaluation.outcome}${evaluation.actual === null ? '' : ` (trailing 24 h compliance ${(evaluation.actual * 100).toFixed(1)} %)`}`,
            );
          },
        };
        for (const name of localStages) await stages[name as LocalStageName]();
        if (!extract || !sentiment || !transform || !dataTests || !alerts)
          throw new Error('the local stage list left a stage out');
        const runEngine = await openEngine();

        const scorecard = await readScorecard(runEngine);
        return {
          runId,
          now: now(),
          kpiVersion: version,
          usedSimulator: simulated !== undefined,
          extract,
          missingStreams,
          sentiment,
          rebuiltForNewDefinitions: newDefinitions,
          transform,
          dataTests,
          alerts,
          publication,
          scorecard,
          seconds: (performance.now() - started) / 1000,
        };
      },
    );
  } catch (error) {
    // Every failure but a requested stop is alerted (the audit entry is written by then).
    if (!options.signal?.aborted)
      await notifyRunFailure(config, { runId, error: error as Error, log, env: options.env });
    throw error;
  } finally {
    await engine?.close();
    await simulated?.close();
  }
}
