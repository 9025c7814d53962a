import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { type RetentionReport, runRetention } from '#src/governance/retention/run-retention.ts';
import { type PipelineResult, runPipeline } from '#src/pipeline/run-pipeline.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/*
 * The shape of the reported failure: sixteen months extracted in one run (so one `dt=` folder holds
 * records on both sides of the cut-off), retention at 12 months, then the next run.
 */
const env = { WAREHOUSE_HMAC_KEY: 'retention-then-run-test-key-0123456789' };
const NOW = new Date('2025-11-01T00:00:00Z');
const RETENTION_AT = new Date('2025-11-15T00:00:00Z');
let dir: string;
let config: WarehouseConfig;
let report: RetentionReport;
let after: PipelineResult;
const before: { tickets: number; kpis: string[] } = { tickets: 0, kpis: [] };

async function rows(sql: string) {
  const engine = await createQueryEngine(config);
  try {
    return (await engine.execute(sql)).rows;
  } finally {
    await engine.close();
  }
}
const KPI_ROWS =
  'select period_grain, cast(period_start as varchar) as p, breakdown, breakdown_value, kpi, value, numerator, denominator from kpi_values';
const canonical = (rs: readonly Record<string, unknown>[]) =>
  rs
    .map((r) =>
      JSON.stringify(r, (_, v) =>
        typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v,
      ),
    )
    .sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retention-then-run-'));
  config = parseConfig({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(dir, 'state'),
    sources: { zendesk: { startDate: '2024-07-01' }, hubspot: { startDate: '2024-07-01' } },
    simulator: { seed: 5, startDate: '2024-07-01', days: 500, ticketsPerDay: 2, now: NOW.toISOString() },
    governance: { retention: { factsMonths: 12 } },
  });
  await runPipeline({ config, runId: 'first', env });
  before.tickets = Number((await rows('select count(*) as n from fct_tickets'))[0]?.n);
  before.kpis = canonical(await rows(KPI_ROWS));
  const store = createObjectStore(config.lake);
  const engine = await createQueryEngine(config, store);
  try {
    report = await runRetention({
      config,
      store,
      engine,
      now: RETENTION_AT,
      hmacKey: env.WAREHOUSE_HMAC_KEY,
      audit: createAuditLog(config),
    });
  } finally {
    await engine.close();
  }
  after = await runPipeline({ config, runId: 'after-retention', env });
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the run after a retention', () => {
  it('passes its data tests, the reconcile test among them, and publishes', async () => {
    expect(report.totals.rowsDeleted).toBeGreaterThan(0);
    expect(
      after.dataTests.results.filter((r) => r.status !== 'pass').map((r) => `${r.model} ${r.test}`),
    ).toEqual([]);
    expect(after.publication?.runId).toBe('after-retention');
    const [left] = await rows('select count(*) as n, min(created_at) as first from fct_tickets');
    expect(Number(left?.n)).toBeLessThan(before.tickets);
    expect(new Date(String(left?.first)).getTime()).toBeGreaterThanOrEqual(new Date('2024-11-15').getTime());
  });

  it('keeps every agent and group, so new tickets still find who answered them', async () => {
    expect(await rows('select count(*) as n from dim_agents')).not.toEqual([{ n: 0 }]);
    expect(
      await rows(
        'select count(*) as n from fct_tickets t left join int_users u on u.user_id = t.requester_id where u.user_id is null',
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('changes no KPI aggregate, of the expired months or the retained ones', async () => {
    expect(canonical(await rows(KPI_ROWS))).toEqual(before.kpis);
  });

  it('brings back no deleted ticket and no KPI row changes on a full rebuild', async () => {
    const tickets = await rows('select count(*) as n from fct_tickets');
    const rebuilt = await runPipeline({ config, runId: 'full', env, full: true });
    expect(rebuilt.dataTests.passed).toBe(true);
    expect(await rows('select count(*) as n from fct_tickets')).toEqual(tickets);
    expect(canonical(await rows(KPI_ROWS))).toEqual(before.kpis);
  }, 300_000);
});
