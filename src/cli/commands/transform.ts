import type { Command } from 'commander';
import { loadConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { runSentimentStage } from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import { runTransform, type Seed, type TransformProgress } from '#src/models/run-transform.ts';
import { stagesOf } from '#src/pipeline/pipeline-stages.ts';
import { acquireRunLock } from '#src/pipeline/run-lock.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/** The KPI seeds (`cfg_*` tables) when the KPI module is present; none otherwise. */
async function seedsFor(config: WarehouseConfig): Promise<readonly Seed[]> {
  try {
    const mod = (await import('#src/kpi/build-seeds.ts')) as {
      buildSeeds: (c: WarehouseConfig) => readonly Seed[];
    };
    return mod.buildSeeds(config);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return [];
    throw error;
  }
}

export function printTransformProgress(
  event: TransformProgress,
  log: (line: string) => void = console.log,
): void {
  switch (event.stage) {
    case 'landing':
      if (event.files > 0) {
        log(
          `  source ${event.table}: ${event.newFiles} new of ${event.files} files (${(event.newBytes / 1024).toFixed(1)} KiB new)`,
        );
      }
      return;
    case 'seed':
      log(`  seed   ${event.table}: ${event.rows} rows`);
      return;
    case 'model-start':
      return;
    case 'model-done': {
      const n = `[${String(event.index + 1).padStart(String(event.total).length)}/${event.total}]`;
      const rows = event.rows === null ? '' : ` ${event.rows} rows`;
      const parts = event.partitions ? ` in ${event.partitions.length} partitions` : '';
      log(`  ${n} ${event.model} (${event.action})${rows}${parts} in ${event.seconds.toFixed(2)} s`);
      return;
    }
  }
}

export function register(program: Command): void {
  program
    .command('transform')
    .description('Build the SQL models (staging → intermediate → marts) on the configured engine')
    .option(
      '-s, --select <selectors...>',
      'models to build: name, name+ (and downstream), +name (and upstream)',
    )
    .option('--full-refresh', 'rebuild every selected model from all landing rows', false)
    .option('--run-id <id>', 'id of this run (default: transform-<timestamp>)')
    .action(async (options: { select?: string[]; fullRefresh: boolean; runId?: string }) => {
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const store = createObjectStore(config.lake);
      const lock = await acquireRunLock(config.stateDir, 'warehouse transform');
      const engine = await createQueryEngine(config, store).catch(async (error: unknown) => {
        await lock.release();
        throw error;
      });
      const runId = options.runId ?? `transform-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        console.log(`transform ${runId} on ${engine.dialect}${options.fullRefresh ? ' (full refresh)' : ''}`);
        // The transform step of the one stage list: customer messages are scored before the models read them.
        if (stagesOf('transform').includes('sentiment')) {
          const scored = await runSentimentStage({ config, store, runId });
          console.log(`  sentiment: ${scored.messages} customer messages scored by ${scored.analyser}`);
        }
        const result = await runTransform({
          engine,
          store,
          runId,
          select: options.select,
          full: options.fullRefresh,
          seeds: await seedsFor(config),
          onProgress: (event) => printTransformProgress(event),
        });
        const views = result.models.filter((m) => m.action === 'view').length;
        const rebuilt = result.models.filter((m) => m.action === 'rebuild').length;
        const merged = result.models.filter((m) => m.action === 'merge');
        const newFiles = result.landing.reduce((s, l) => s + l.newFiles, 0);
        console.log(
          `done in ${result.seconds.toFixed(1)} s: ${result.models.length} models (${views} views, ${rebuilt} tables rebuilt, ` +
            `${merged.length} incremental merged with ${merged.reduce((s, m) => s + (m.rows ?? 0), 0)} rows); ` +
            `${newFiles} new landing files ${result.watermarkAdvanced ? 'consumed' : 'left for the next full run (partial selection)'}`,
        );
      } finally {
        await engine.close();
        await lock.release();
      }
    });
}
