import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import {
  extractionConfig,
  freshLake,
  HMAC_KEY,
  landingRows,
  removeLakes,
  simulatorEndpoints,
  startSmallSimulator,
} from '#tests/extract/extraction-harness.ts';

/*
 * The feedback submissions list has no modified-since filter, so every run reads it whole; a later
 * run lands only the submissions modified since the previous pass (less an hour's margin), and the
 * runs together land every submission the simulator holds.
 */
const FIRST_AT = '2026-08-05T12:00:00Z';
const SECOND_AT = '2026-08-07T12:00:00Z';

let sim: RunningSimulator;
const landed = new Map<string, Record<string, unknown>[]>();
const truth = new Map<string, Set<string>>();

beforeAll(async () => {
  sim = await startSmallSimulator({}, { days: 8, ticketsPerDay: 60, now: FIRST_AT });
  const { root, store } = await freshLake();
  const config = extractionConfig(root);
  for (const [runId, at] of [
    ['r1', FIRST_AT],
    ['r2', SECOND_AT],
  ] as const) {
    sim.clock.set(at);
    truth.set(runId, new Set([...(await sim.truth.idSet('survey_responses'))].map(String)));
    const manifest = await runExtraction({
      config,
      store,
      runId,
      sources: ['hubspot'],
      streams: ['survey_responses'],
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
      now: () => new Date(at),
    });
    expect(manifest.status).toBe('succeeded');
    const rows = await landingRows(store, 'hubspot', 'survey_responses');
    landed.set(
      runId,
      rows.filter((r) => r._run_id === runId),
    );
  }
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await removeLakes();
});

describe('survey responses landed run by run', () => {
  it('hold, together, every submission the simulator has', () => {
    // Act
    const ids = new Set(
      [...(landed.get('r1') ?? []), ...(landed.get('r2') ?? [])].map((r) => String(r.response_id)),
    );
    // Assess
    expect(truth.get('r2')?.size).toBeGreaterThan(truth.get('r1')?.size ?? 0);
    expect(ids).toEqual(truth.get('r2'));
  });

  it('land in the second run the new submissions and of the old ones only those of the hour before the latest the first run saw', () => {
    // Prepare
    const firstIds = truth.get('r1') ?? new Set();
    const newIds = new Set([...(truth.get('r2') ?? [])].filter((id) => !firstIds.has(id)));
    const second = landed.get('r2') ?? [];
    // Act
    const secondNew = new Set(second.map((r) => String(r.response_id)).filter((id) => !firstIds.has(id)));
    const again = second.filter((r) => firstIds.has(String(r.response_id)));
    // Assess
    expect(secondNew).toEqual(newIds);
    expect(again.length).toBeLessThan(firstIds.size / 4);
    const firstMax = Math.max(...(landed.get('r1') ?? []).map((r) => Date.parse(String(r.updated_at))));
    for (const row of again) {
      expect(Date.parse(String(row.updated_at))).toBeGreaterThanOrEqual(firstMax - 3_600_000);
    }
  });
});
