import type { Command } from 'commander';
import { loadConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { SourceEndpoint } from '#src/connectors/connector.ts';
import { manifestKey } from '#src/extract/extract-manifest.ts';
import { formatExtractSummary, formatProgressEvent } from '#src/extract/extract-progress.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/** A run id that sorts by time and is safe in object keys. */
export function newRunId(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Sources without a baseUrl are served by the bundled simulator, started for this command. */
async function simulatorEndpoints(
  config: WarehouseConfig,
  sources: readonly string[],
): Promise<{ endpoints: Record<string, SourceEndpoint>; close: () => Promise<void> } | undefined> {
  const needs = sources.filter(
    (s) => (config.sources as Record<string, { baseUrl?: string } | undefined>)[s]?.baseUrl === undefined,
  );
  if (needs.length === 0) return undefined;
  const { startSimulator } = await import('#src/simulator/start-simulator.ts');
  const sim = await startSimulator(config.simulator);
  console.log(
    `extract: no baseUrl for ${needs.join(', ')}: using the bundled simulator (${sim.zendeskUrl}, ${sim.hubspotUrl})`,
  );
  const endpoints: Record<string, SourceEndpoint> = {};
  if (needs.includes('zendesk')) {
    endpoints.zendesk = {
      baseUrl: sim.zendeskUrl,
      credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
    };
  }
  if (needs.includes('hubspot')) {
    endpoints.hubspot = { baseUrl: sim.hubspotUrl, credentials: { token: sim.credentials.hubspotToken } };
  }
  return { endpoints, close: () => sim.close() };
}

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
      const configured = Object.entries(config.sources)
        .filter(([, section]) => section)
        .map(([name]) => name);
      const sources = opts.source ?? configured;
      const simulator = await simulatorEndpoints(
        config,
        sources.filter((s) => configured.includes(s)),
      );
      const controller = new AbortController();
      const stop = () => {
        console.log('extract: stopping at the next checkpoint (Ctrl-C again to quit at once)');
        controller.abort(new Error('interrupted'));
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', stop);
      try {
        const manifest = await runExtraction({
          config,
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
        console.log(`\nextract run ${manifest.runId}: ${manifest.status}`);
        console.log(formatExtractSummary(manifest.streams));
        const partial = opts.source && opts.source.length < configured.length ? opts.source : undefined;
        console.log(`manifest: ${store.uri(manifestKey(manifest.runId, partial))}`);
        if (manifest.status !== 'succeeded') process.exitCode = 1;
      } finally {
        process.removeListener('SIGINT', stop);
        await simulator?.close();
      }
    });
}
