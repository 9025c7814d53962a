import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { snapshotsFromHistory } from '#src/connectors/hubspot/hubspot-records.ts';
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
 * The contacts stream lands each contact version once: the first run every version of every
 * contact, a later run only the versions that started since the previous run's checkpoint. The
 * union over the runs is every version the simulator's history held, version for version (like
 * HubSpot, it serves the latest 20 values of a property, so old trades drop out of what it serves).
 */
const FIRST_AT = '2026-08-05T12:00:00Z';
const SECOND_AT = '2026-08-06T12:00:00Z';

let sim: RunningSimulator;
const firstRun: Record<string, unknown>[] = [];
const secondRun: Record<string, unknown>[] = [];
const servedAtFirst = new Set<string>();
const servedAtSecond = new Set<string>();

const versionKey = (r: Record<string, unknown>) =>
  JSON.stringify([String(r.contact_id), r.valid_from, r.vip_tier, r.kyc_level, r.last_trade_at]);

/** Every version of every contact the simulator holds at its clock, as the connector maps them. */
function simulatorVersions(): Set<string> {
  const hubspot = parseConfig({ sources: { hubspot: {} } }).sources.hubspot;
  if (!hubspot) throw new Error('the default configuration has no hubspot section');
  const nowMs = sim.clock.now().getTime();
  const out = new Set<string>();
  for (let n = 0; n < sim.crm.contactCount; n += 1) {
    const contact = sim.crm.contact(n, nowMs);
    if (!contact) continue;
    const history = {
      id: String(contact.id),
      propertiesWithHistory: Object.fromEntries(
        Object.entries(contact.history).map(([p, entries]) => [
          p,
          entries.map((e) => ({ value: e.value, timestamp: new Date(e.timestamp).toISOString() })),
        ]),
      ),
    };
    for (const row of snapshotsFromHistory(String(contact.id), null, history, hubspot))
      out.add(versionKey(row));
  }
  return out;
}

beforeAll(async () => {
  sim = await startSmallSimulator({}, { days: 8, ticketsPerDay: 20, now: FIRST_AT });
  const { root, store } = await freshLake();
  const config = extractionConfig(root);
  for (const [runId, at, rows, served] of [
    ['r1', FIRST_AT, firstRun, servedAtFirst],
    ['r2', SECOND_AT, secondRun, servedAtSecond],
  ] as const) {
    sim.clock.set(at);
    for (const version of simulatorVersions()) served.add(version);
    const before = new Set((await landingRows(store, 'hubspot', 'contact_snapshots')).map((r) => r._run_id));
    const manifest = await runExtraction({
      config,
      store,
      runId,
      sources: ['hubspot'],
      streams: ['contacts'],
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
      now: () => new Date(at),
    });
    expect(manifest.status).toBe('succeeded');
    for (const row of await landingRows(store, 'hubspot', 'contact_snapshots')) {
      if (!before.has(row._run_id) && row._run_id === runId) rows.push(row);
    }
  }
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await removeLakes();
});

/**
 * Versions the second run's history shows that started before the first run yet were not served
 * then: a new trade pushed the oldest of the 20 served trades out, so an old version comes back
 * without it. The warehouse keeps the copy it landed first (see `sameStart`).
 */
function reshaped(): Set<string> {
  return new Set(
    [...servedAtSecond].filter(
      (v) => !servedAtFirst.has(v) && Date.parse(JSON.parse(v)[1] as string) < Date.parse(FIRST_AT),
    ),
  );
}

const sameStart = (v: string) => JSON.stringify((JSON.parse(v) as unknown[]).slice(0, 2));

describe('contact snapshots landed run by run', () => {
  it('hold, together, every version of every contact the simulator served', () => {
    // Prepare
    const truncated = reshaped();
    const expected = new Set([...servedAtFirst, ...servedAtSecond].filter((v) => !truncated.has(v)));
    // Act
    const landed = new Set([...firstRun, ...secondRun].map(versionKey));
    // Assess
    expect(expected.size).toBeGreaterThan(100);
    expect(landed).toEqual(expected);
    // A version re-shaped by the truncation was landed earlier, with what it held then.
    const starts = new Set([...landed].map(sameStart));
    for (const v of truncated) expect(starts.has(sameStart(v)), v).toBe(true);
  });

  it('land in the second run the new versions, and of the old ones at most the checkpoint instant', () => {
    // Prepare
    const first = new Set(firstRun.map(versionKey));
    const truncated = reshaped();
    const newVersions = new Set(
      [...servedAtSecond].filter((v) => !servedAtFirst.has(v) && !truncated.has(v)),
    );
    // Act
    const fresh = new Set(secondRun.map(versionKey).filter((v) => !first.has(v)));
    const again = secondRun.filter((r) => first.has(versionKey(r)));
    // Assess
    expect(newVersions.size).toBeGreaterThan(0);
    expect(fresh).toEqual(newVersions);
    const checkpointInstants = new Set(again.map((r) => r.valid_from));
    expect(checkpointInstants.size).toBeLessThanOrEqual(1);
    expect(secondRun.length).toBeLessThan(firstRun.length / 4);
  });
});
