import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import {
  CrashingStore,
  entities,
  extractedIds,
  extractionConfig,
  freshLake,
  HMAC_KEY,
  removeLakes,
  SimulatedCrashError,
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

type Stop =
  | { kind: 'crash'; label: string; at: (key: string, index: number, earlier: readonly string[]) => boolean }
  | { kind: 'abort-after-pages'; label: string; pages: number }
  | { kind: 'abort-during-retry'; label: string };

const isRaw = (key: string) => key.startsWith('raw/');
const isLanding = (key: string) => key.startsWith('landing/');
const isCheckpoint = (key: string) => key.startsWith('state/checkpoints/');

/** A chain of runs, each stopped at a different point; the last one runs to the end. */
const stops: Stop[] = [
  { kind: 'crash', label: 'at the very first write', at: (_k, i) => i === 1 },
  {
    kind: 'crash',
    label: 'between the raw and the landing write',
    at: (k, _i, e) => isLanding(k) && isRaw(e.at(-1) ?? ''),
  },
  { kind: 'abort-after-pages', label: 'after 3 pages', pages: 3 },
  { kind: 'crash', label: 'before a checkpoint write', at: (k, i) => isCheckpoint(k) && i > 8 },
  { kind: 'abort-during-retry', label: 'during a retry back-off' },
  { kind: 'crash', label: 'after 17 writes', at: (_k, i) => i === 17 },
  {
    kind: 'crash',
    label: 'between two landing writes of one page',
    at: (k, _i, e) => isLanding(k) && isLanding(e.at(-1) ?? ''),
  },
  { kind: 'abort-after-pages', label: 'after 11 pages', pages: 11 },
  { kind: 'crash', label: 'after 40 writes', at: (_k, i) => i === 40 },
];

describe('extraction stopped at any moment', () => {
  it('continues where it stopped on each restart and ends with the complete set, nothing missing', async () => {
    // Prepare: a world with server errors, so retries happen and one run can be stopped during one.
    sim = await startSmallSimulator(
      { serverErrorRate: 0.15, malformedRate: 0.03 },
      { days: 2, ticketsPerDay: 15 },
    );
    const { root, store } = await freshLake();
    const config = extractionConfig(root, {
      // A back-off long enough to be interrupted in.
      zendesk: { retry: { baseDelayMs: 30, maxDelayMs: 60, timeoutMs: 400, maxRetries: 12 } },
    });
    const truth = await truthIds(sim);
    const children = await truthChildIds(sim);
    const stoppedWith: string[] = [];

    // Act
    for (const [n, stop] of stops.entries()) {
      const controller = new AbortController();
      let pages = 0;
      const runStore = stop.kind === 'crash' ? new CrashingStore(store, stop.at) : store;
      const outcome = await runExtraction({
        config,
        store: runStore,
        runId: `run-${n + 1}`,
        endpoints: simulatorEndpoints(sim),
        hmacKey: HMAC_KEY,
        signal: controller.signal,
        onProgress: (event) => {
          if (stop.kind === 'abort-after-pages' && event.kind === 'page' && ++pages === stop.pages) {
            controller.abort(new Error('killed'));
          }
          if (stop.kind === 'abort-during-retry' && event.kind === 'retry')
            controller.abort(new Error('killed'));
        },
      }).then(
        (manifest) => manifest.status,
        (error: unknown) =>
          error instanceof SimulatedCrashError ? 'crashed' : `unexpected ${String(error)}`,
      );
      stoppedWith.push(`${stop.label}: ${outcome}`);
    }
    const final = await runExtraction({
      config,
      store,
      runId: 'run-final',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });

    // Assess: every stop really stopped the run, and the restarts together miss nothing.
    expect(stoppedWith).toEqual(
      stops.map((s) => `${s.label}: ${s.kind === 'crash' ? 'crashed' : 'aborted'}`),
    );
    expect(final.status).toBe('succeeded');
    // The last run continued from checkpoints the stopped runs left, rather than starting over.
    expect(final.streams.find((s) => s.stream === 'users')?.cursorBefore).not.toBeNull();
    expect(final.streams.find((s) => s.stream === 'contacts')?.cursorBefore).not.toBeNull();
    const landed = await extractedIds(store);
    for (const entity of entities)
      expect({ entity, ids: landed[entity] }).toEqual({ entity, ids: truth[entity] });
    expect(landed.child_events).toEqual(children.child_events);
    expect(landed.comments).toEqual(children.comments);
  });
});
