import type { Command } from 'commander';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { formatExtractSummary } from '#src/extract/extract-progress.ts';
import { describeMissingStream } from '#src/extract/stream-health.ts';
import { formatScorecard } from '#src/kpi/scorecard/format-scorecard.ts';
import { withRunLock } from '#src/pipeline/run-lock.ts';
import { type PipelineResult, runPipeline } from '#src/pipeline/run-pipeline.ts';
import { formatPublicationSummary } from '#src/publish/publish-progress.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

function duration(seconds: number): string {
  return seconds < 60
    ? `${seconds.toFixed(1)} s`
    : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** The end of a run, for a person: what was extracted, built, tested and published, and where. */
export function formatRunSummary(result: PipelineResult, store: ObjectStore): string {
  const lines: string[] = [];
  lines.push(
    '',
    `Run ${result.runId} finished in ${duration(result.seconds)} (KPI definitions ${result.kpiVersion})`,
  );
  lines.push('', formatExtractSummary(result.extract.streams));
  if (result.missingStreams.length > 0) {
    lines.push('PARTIAL RUN (published as asked with --allow-partial): these streams are incomplete');
    for (const m of result.missingStreams) lines.push(`  ✗ ${describeMissingStream(m)}`);
  }
  lines.push(
    `Sentiment: ${result.sentiment.messages} customer messages scored (${result.sentiment.analyser})`,
  );
  const built = result.transform.models;
  lines.push(
    `Models: ${built.length} built${result.rebuiltForNewDefinitions ? ' from all landing rows (KPI definitions changed)' : ''} (${built.filter((m) => m.action === 'merge').length} incremental merges) in ${duration(result.transform.seconds)}`,
  );
  const { pass, fail, error } = result.dataTests.counts;
  lines.push(`Data tests: ${pass} passed, ${fail} failed, ${error} errors`);
  lines.push(`SLA alert: ${result.alerts.outcome}`);
  const { rows, qualityIndex } = result.scorecard;
  if (rows.length > 0) {
    lines.push(
      '',
      `Scorecard at ${result.now.toISOString()} (latest period of each KPI at its review frequency)`,
    );
    lines.push(formatScorecard(rows));
    for (const q of qualityIndex)
      lines.push(
        `Service quality index (${q.period_grain} of ${q.period_start}): ${q.service_quality_index.toFixed(1)}`,
      );
  }
  lines.push('');
  if (result.publication) {
    lines.push(...formatPublicationSummary(result.publication, store));
  } else {
    lines.push('Published: nothing (data tests failed; the previous publication stays current)');
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'Run the whole job: extract every source (the bundled simulator when no base URL is configured), ' +
        'build the models, run the data tests, evaluate SLA alerts and publish',
    )
    .option('--full-refresh', 'rebuild every model from all landing rows')
    .option('--run-id <id>', 'run id naming the files, manifests and audit entries (default: the start time)')
    .option(
      '--allow-partial',
      'publish even if some streams failed, labelled as incomplete (default: config publish.allowPartial)',
    )
    .action(
      async (opts: { fullRefresh?: boolean; runId?: string; allowPartial?: boolean }, command: Command) => {
        const globals = command.optsWithGlobals<{ config?: string }>();
        const config = loadConfig(globals.config);
        const controller = new AbortController();
        process.once('SIGINT', () => {
          console.log('run: stopping at the next checkpoint (Ctrl-C again to quit at once)');
          controller.abort(new Error('interrupted'));
          process.once('SIGINT', () => process.exit(130));
        });
        const result = await withRunLock(config.stateDir, 'warehouse run', () =>
          runPipeline({
            config,
            runId: opts.runId,
            full: opts.fullRefresh,
            signal: controller.signal,
            log: (line) => console.log(line),
            ...(opts.allowPartial ? { allowPartial: true } : {}),
          }),
        );
        console.log(formatRunSummary(result, createObjectStore(config.lake)));
        if (!result.dataTests.passed) process.exitCode = 3;
      },
    );
}
