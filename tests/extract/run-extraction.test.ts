import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorFaults } from '#simulator/simulator-config.ts';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import {
  entities,
  extractedIds,
  extractionConfig,
  freshLake,
  HMAC_KEY,
  landingRows,
  removeLakes,
  simulatorEndpoints,
  startSmallSimulator,
  truthChildIds,
  truthIds,
} from '#tests/extract/extraction-harness.ts';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await removeLakes();
});

const faultModes: [string, Partial<SimulatorFaults>][] = [
  ['no faults', {}],
  ['server errors (500/502/503)', { serverErrorRate: 0.2 }],
  ['held requests that time out', { timeoutRate: 0.1 }],
  ['slow answers', { slowRate: 0.3 }],
  ['malformed records', { malformedRate: 0.08 }],
  ['records repeated within pages', { duplicateRate: 0.5 }],
  [
    'all of these at once',
    { serverErrorRate: 0.1, timeoutRate: 0.05, slowRate: 0.1, malformedRate: 0.05, duplicateRate: 0.3 },
  ],
];

describe('runExtraction against the simulator', () => {
  for (const [mode, faults] of faultModes) {
    it(`lands every record of the window exactly as the simulator knows it, with ${mode}`, async () => {
      // Prepare
      sim = await startSmallSimulator(faults);
      const { root, store } = await freshLake();
      const truth = await truthIds(sim);
      const children = await truthChildIds(sim);
      // Act
      const manifest = await runExtraction({
        config: extractionConfig(root),
        store,
        runId: 'run-1',
        endpoints: simulatorEndpoints(sim),
        hmacKey: HMAC_KEY,
      });
      // Assess
      expect(manifest.streams.filter((s) => s.status !== 'succeeded')).toEqual([]);
      const landed = await extractedIds(store);
      for (const entity of entities)
        expect({ entity, ids: landed[entity] }).toEqual({ entity, ids: truth[entity] });
      expect(landed.child_events).toEqual(children.child_events);
      expect(landed.comments).toEqual(children.comments);
      // Events repeated at page boundaries are dropped; only the duplicate-record fault leaves copies.
      if (!faults.duplicateRate) {
        const events = (await landingRows(store, 'zendesk', 'ticket_events')).map((r) => r.event_id);
        expect(events.length).toBe(new Set(events).size);
        expect(manifest.streams.find((s) => s.stream === 'ticket_events')!.pages).toBeGreaterThan(5);
      }
      const quarantined = manifest.streams.reduce((n, s) => n + s.quarantined, 0);
      if (faults.malformedRate) expect(quarantined).toBeGreaterThan(0);
      else expect(quarantined).toBe(0);
      if (faults.serverErrorRate || faults.timeoutRate) {
        expect(manifest.streams.reduce((n, s) => n + s.retries, 0)).toBeGreaterThan(0);
      }
    });
  }

  it('waits out 429s as Retry-After says when the connector is set above the source limits, and lands everything', async () => {
    // Prepare: the simulator enforces 2 searches a second; the connector is told 1,000.
    sim = await startSmallSimulator(
      {},
      {
        fast: false,
        rateLimits: {
          zendeskIncrementalPerMinute: 100_000,
          zendeskPerMinute: 100_000,
          hubspotPer10s: 100_000,
          hubspotSearchPerSecond: 2,
        },
      },
    );
    const { root, store } = await freshLake();
    const truth = await truthIds(sim);
    // Act
    const manifest = await runExtraction({
      config: extractionConfig(root, { hubspot: { pageSize: 100, searchRequestsPerSecond: 1000 } }),
      store,
      runId: 'run-1',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    // Assess
    const contacts = manifest.streams.find((s) => s.stream === 'contacts')!;
    expect(contacts.status).toBe('succeeded');
    expect(contacts.rateLimited).toBeGreaterThan(0);
    const landed = await extractedIds(store);
    expect(landed.contacts).toEqual(truth.contacts);
  });
});
