import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { type EmbeddedSimulator, startEmbeddedSimulator } from '#src/pipeline/embedded-simulator.ts';
import { freshLake, HMAC_KEY, removeLakes } from '#tests/extract/extraction-harness.ts';

let simulator: EmbeddedSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
  await removeLakes();
});

/**
 * Client-side limits of one request per window: an extraction of more than one window would wait a
 * minute per request (or ten seconds, or one) on any pacer that fast mode forgot to lift.
 */
const oneRequestPerWindow = {
  zendesk: { perPage: 25, listPageSize: 10, requestsPerMinute: 1, apiRequestsPerMinute: 1 },
  hubspot: { pageSize: 20, listPageSize: 10, requestsPer10s: 1, searchRequestsPerSecond: 1 },
};

describe('the embedded simulator', () => {
  it('in fast mode lifts every client-side pacer: no stream waits on one', async () => {
    // Prepare
    const { root, store } = await freshLake();
    const config = parseConfig({
      stateDir: `${root}/state`,
      sources: oneRequestPerWindow,
      simulator: { seed: 7, days: 2, ticketsPerDay: 15, fast: true },
    });
    simulator = await startEmbeddedSimulator(config);
    // Act
    const manifest = await runExtraction({
      config: simulator!.config,
      store,
      runId: 'fast-1',
      endpoints: simulator!.endpoints,
      hmacKey: HMAC_KEY,
    });
    // Assess: every source made many more requests than one window allows, none of them paced.
    expect(manifest.status).toBe('succeeded');
    for (const source of ['zendesk', 'hubspot']) {
      const streams = manifest.streams.filter((s) => s.source === source);
      expect(streams.reduce((n, s) => n + s.requests, 0)).toBeGreaterThan(5);
    }
    expect(manifest.streams.map((s) => [s.stream, s.pacedMs])).toEqual(
      manifest.streams.map((s) => [s.stream, 0]),
    );
  });

  it('in realistic mode keeps every configured limit', async () => {
    // Prepare
    const config = parseConfig({
      sources: oneRequestPerWindow,
      simulator: { seed: 7, days: 1, ticketsPerDay: 5, fast: false },
    });
    // Act
    simulator = await startEmbeddedSimulator(config);
    // Assess
    expect(simulator!.config.sources).toEqual(config.sources);
  });
});
