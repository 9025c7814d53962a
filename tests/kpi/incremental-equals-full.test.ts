import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { HMAC_KEY, simulatorEndpoints, startSmallSimulator } from '#tests/extract/extraction-harness.ts';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';

/*
 * Property of the KPI models: a simulated desk extracted and transformed run by run (each run only
 * the new landing files; month and week edges crossed; tickets solved, reopened and rated long after
 * creation) leaves every mart exactly as one full rebuild over the same files at the same now.
 */
const MARTS = [
  'fct_tickets',
  'fct_ticket_events',
  'fct_satisfaction_ratings',
  'fct_nps_responses',
  'kpi_values',
  'kpi_scorecard',
  'service_quality_index',
  'backlog_daily',
  'ticket_volume_hourly',
  'agent_performance',
  'contact_reasons',
  'dim_agents',
  'dim_groups',
  'dim_customers',
];

// Runs at uneven steps: mid-month, across a week edge, across the month edge, then days later.
const RUN_AT = [
  '2026-08-20T06:00:00Z',
  '2026-08-27T15:00:00Z',
  '2026-09-02T09:00:00Z',
  '2026-09-09T23:00:00Z',
];

let sim: RunningSimulator;
let world: KpiWorld;
const incremental = new Map<string, string[]>();
const rebuilt = new Map<string, string[]>();
const merges = new Map<string, readonly string[]>();

/** Rows as sorted text lines, doubles to 9 significant digits (sums may add in another order). */
const snapshot = (table: string) => tableSnapshot(world, table);

beforeAll(async () => {
  sim = await startSmallSimulator({}, { days: 40, ticketsPerDay: 8, seed: 23, now: RUN_AT[0] });
  world = await createKpiWorld();
  for (const [i, at] of RUN_AT.entries()) {
    sim.clock.set(at);
    await runExtraction({
      config: world.config,
      store: world.store,
      runId: `extract-${i + 1}`,
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
      now: () => new Date(at),
    });
    const result = await world.transform(at);
    for (const m of result.models) if (m.partitions) merges.set(`${i}:${m.model}`, m.partitions);
  }
  for (const table of MARTS) incremental.set(table, await snapshot(table));
  await world.transform(RUN_AT[RUN_AT.length - 1] as string, { full: true });
  for (const table of MARTS) rebuilt.set(table, await snapshot(table));
}, 600_000);

afterAll(async () => {
  await world?.close();
  await sim?.close();
});

describe('the KPI models built run by run', () => {
  it('recomputed the month-partitioned marts by month in the later runs, not rebuilt', () => {
    for (const mart of [
      'kpi_values',
      'kpi_scorecard',
      'backlog_daily',
      'ticket_volume_hourly',
      'contact_reasons',
    ]) {
      expect(merges.get(`${RUN_AT.length - 1}:${mart}`)?.length, mart).toBeGreaterThan(0);
    }
  });

  it.each(MARTS)('leave %s equal to a full rebuild', (table) => {
    const full = rebuilt.get(table) ?? [];
    expect(full.length).toBeGreaterThan(0);
    expect(incremental.get(table)).toEqual(full);
  });
});
