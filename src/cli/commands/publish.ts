import type { Command } from 'commander';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';
import { runDataTests } from '#src/models/run-data-tests.ts';
import { acquireRunLock } from '#src/pipeline/run-lock.ts';
import { type DataTestGate, publish } from '#src/publish/publish.ts';
import { formatPublicationSummary, printPublishProgress } from '#src/publish/publish-progress.ts';
import { newRunId } from '#src/shared/run-id.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

interface PublishFlags {
  runId?: string;
  kpiVersion?: string;
  skipDataTests?: string;
  dashboard: boolean;
}

/** `warehouse publish`: data tests, then an atomic publication of the marts from the current warehouse. */
export function register(program: Command): void {
  program
    .command('publish')
    .description(
      'Run the data tests, then publish the marts and analyst-readable facts (Parquet + CSV), the manifest and the dashboard, and switch published/CURRENT.json to them',
    )
    .option('--run-id <id>', 'id of this publication (default: publish-<timestamp>)')
    .option(
      '--kpi-version <version>',
      'KPI-definition version to record (default: the hash of the current definitions)',
    )
    .option(
      '--skip-data-tests <reason>',
      'publish without running the data tests; the reason goes into the manifest',
    )
    .option('--no-dashboard', 'publish the files only')
    .action(async (flags: PublishFlags) => {
      const config = loadConfig(program.opts<{ config?: string }>().config);
      const store = createObjectStore(config.lake);
      const lock = await acquireRunLock(config.stateDir, 'warehouse publish');
      const engine = await createQueryEngine(config, store).catch(async (error: unknown) => {
        await lock.release();
        throw error;
      });
      const runId = flags.runId ?? `publish-${newRunId()}`;
      try {
        let dataTests: DataTestGate;
        if (flags.skipDataTests !== undefined) {
          console.log(`data tests skipped: ${flags.skipDataTests}`);
          dataTests = { skipped: flags.skipDataTests };
        } else {
          const report = await runDataTests({ engine });
          console.log(
            `data tests: ${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.error} errors`,
          );
          dataTests = report;
        }
        console.log(`publish ${runId} from ${engine.dialect} into ${store.uri('published')}`);
        const result = await publish({
          config,
          engine,
          store,
          runId,
          kpiVersion: flags.kpiVersion ?? kpiVersion(config),
          dataTests,
          dashboard: flags.dashboard,
          onProgress: (event) => printPublishProgress(event),
        });
        for (const line of formatPublicationSummary(result, store)) console.log(line);
      } finally {
        await engine.close();
        await lock.release();
      }
    });
}
