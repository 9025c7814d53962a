import type { Command } from 'commander';
import { loadConfig } from '#src/config/warehouse-config.ts';
import { manifestKey } from '#src/extract/extract-manifest.ts';
import { formatExtractSummary, formatProgressEvent } from '#src/extract/extract-progress.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { recordStreamHealth } from '#src/extract/stream-health.ts';
import { startEmbeddedSimulator } from '#src/pipeline/embedded-simulator.ts';
import { acquireRunLock } from '#src/pipeline/run-lock.ts';
import { newRunId } from '#src/shared/run-id.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

export function register(program: Command): void {
  program
    .command('extract')
    .description(
      'Extract the configured sources into raw/ and landing/ of the lake, continuing from each stream checkpoint',
    )
    .option('-s, --source <name...>', 'only these sources (zendesk, hubspot)')
    .option('--stream <name...>', 'only these streams (e.g. tickets ticket_events contacts)')
    .option('--run-id <id>', 'run id naming the files and the manifest (default: the start time)')
    .action(async (opts: { source?: string[]; stream?: string[]; runId?: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ config?: string }>();
      const config = loadConfig(globals.config);
      const store = createObjectStore(config.lake);
      const lock = await acquireRunLock(config.stateDir, 'warehouse extract');
      const configured = Object.entries(config.sources)
        .filter(([, section]) => section)
        .map(([name]) => name);
      const sources = opts.source ?? configured;
      const simulator = await startEmbeddedSimulator(
        config,
        sources.filter((s) => configured.includes(s)),
      ).catch(async (error: unknown) => {
        await lock.release();
        throw error;
      });
      if (simulator) console.log(`extract: ${simulator.description}`);
      const controller = new AbortController();
      const stop = () => {
        console.log('extract: stopping at the next checkpoint (Ctrl-C again to quit at once)');
        controller.abort(new Error('interrupted'));
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', stop);
      try {
        const manifest = await runExtraction({
          config: simulator?.config ?? config,
          store,
          runId: opts.runId ?? newRunId(),
          sources: opts.source,
          streams: opts.stream,
          signal: controller.signal,
          endpoints: simulator?.endpoints,
          onProgress: (event) => {
            if (event.kind !== 'stream-end') console.log(formatProgressEvent(event));
            else if (event.manifest.error) console.log(formatProgressEvent(event));
          },
        });
        // "Missing since" in a later partial publication counts from the first failed extraction.
        if (manifest.status !== 'aborted') await recordStreamHealth(store, manifest);
        console.log(`\nextract run ${manifest.runId}: ${manifest.status}`);
        console.log(formatExtractSummary(manifest.streams));
        const partial = opts.source && opts.source.length < configured.length ? opts.source : undefined;
        console.log(`manifest: ${store.uri(manifestKey(manifest.runId, partial))}`);
        // 5: a source did not answer completely (README, "Exit codes").
        if (manifest.status !== 'succeeded') process.exitCode = manifest.status === 'aborted' ? 130 : 5;
      } finally {
        process.removeListener('SIGINT', stop);
        await simulator?.close();
        await lock.release();
      }
    });
}
