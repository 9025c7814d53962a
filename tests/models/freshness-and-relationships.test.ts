import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { kpiMarts } from '#src/governance/access/access-policy.ts';
import { loadModels } from '#src/models/load-models.ts';
import { runDataTests } from '#src/models/run-data-tests.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';
import { CURRENT_POINTER_KEY } from '#src/publish/publication-manifest.ts';
import { PublicationRefusedError, publish } from '#src/publish/publish.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/*
 * The spec's facts need two kinds of data test the runner already knew but no model declared:
 * every KPI mart fresh to the run's watermark (the newest ticket event the warehouse modelled), and
 * every fact's customer, agent and group found in its dimension. Declared, they pass on a whole
 * warehouse, fail on data broken the way they guard against, and the failure blocks publication.
 */
let config: WarehouseConfig;
let engine: QueryEngine;
const env = { WAREHOUSE_HMAC_KEY: 'test-key-for-data-tests-only' };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'freshness-'));
  config = parseConfig({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { seed: 5, startDate: '2026-08-01', days: 4, ticketsPerDay: 25 },
  });
  await runPipeline({ config, runId: 'run-1', env });
  engine = await createQueryEngine(config);
}, 300_000);

afterAll(async () => {
  await engine?.close();
});

const models = loadModels();
const declared = (kind: string) =>
  models.flatMap((m) =>
    m.header.tests.filter((t) => t.kind === kind).map((t) => ({ model: m.name, test: t })),
  );

describe('freshness and relationship tests', () => {
  it('are declared for every KPI mart, and for each fact’s customer, agent and group', () => {
    const fresh = new Set(
      declared('freshness')
        .filter(({ test }) => test.kind === 'freshness' && test.watermark !== undefined)
        .map(({ model }) => model),
    );
    const marts = kpiMarts.filter((name) => models.some((m) => m.name === name));
    expect(marts.filter((name) => !fresh.has(name))).toEqual([]);
    const relations = declared('relationships').map(({ model, test }) => `${model}.${test.text}`);
    expect(relations).toEqual(
      expect.arrayContaining([
        'fct_tickets.relationships(customer_key -> dim_customers.customer_key)',
        'fct_tickets.relationships(assignee_id -> dim_agents.agent_id)',
        'fct_tickets.relationships(group_id -> dim_groups.group_id)',
        'fct_satisfaction_ratings.relationships(assignee_id -> dim_agents.agent_id)',
        'fct_nps_responses.relationships(customer_key -> dim_customers.customer_key)',
      ]),
    );
  });

  it('pass on a whole warehouse', async () => {
    const report = await runDataTests({ engine });
    const ours = report.results.filter((r) => r.kind === 'freshness' || r.kind === 'relationships');
    expect(ours.length).toBeGreaterThan(10);
    expect(
      ours.filter((r) => r.status !== 'pass').map((r) => `${r.model} ${r.test}: ${r.message ?? ''}`),
    ).toEqual([]);
  });

  it('fail when a fact’s agent is missing from its dimension, and block publication', async () => {
    // Prepare: an agent who handled tickets disappears from dim_agents
    const [row] = (
      await engine.execute('select assignee_id from fct_tickets where assignee_id is not null limit 1')
    ).rows;
    await engine.execute(`delete from dim_agents where agent_id = ${Number(row?.assignee_id)}`);
    const store = createObjectStore(config.lake);
    const pointerBefore = await store.get(CURRENT_POINTER_KEY);

    // Act
    const report = await runDataTests({ engine, models: ['fct_tickets', 'fct_satisfaction_ratings'] });
    const refused = await publish({
      config,
      engine,
      store,
      runId: 'run-broken-agents',
      kpiVersion: 'test',
      dataTests: report,
    }).catch((error: unknown) => error);

    // Assess
    const failed = report.results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => `${r.model} ${r.test}`)).toContain(
      'fct_tickets relationships(assignee_id -> dim_agents.agent_id)',
    );
    expect(failed.find((r) => r.model === 'fct_tickets')?.examples[0]).toEqual({
      assignee_id: row?.assignee_id,
    });
    expect(refused).toBeInstanceOf(PublicationRefusedError);
    expect(Buffer.from((await store.get(CURRENT_POINTER_KEY))!).equals(Buffer.from(pointerBefore!))).toBe(
      true,
    );
  });

  it('fail when a KPI mart stops short of the watermark, and block publication', async () => {
    // Prepare: the backlog's last three days are lost while the facts carry on
    await engine.execute(
      "delete from backlog_daily where day_date > (select cast(max(created_at) as date) from fct_ticket_events) - interval '3' day",
    );

    // Act
    const report = await runDataTests({ engine, models: ['backlog_daily', 'kpi_values'] });
    const refused = await publish({
      config,
      engine,
      store: createObjectStore(config.lake),
      runId: 'run-stale-backlog',
      kpiVersion: 'test',
      dataTests: report,
    }).catch((error: unknown) => error);

    // Assess: the stale mart fails, naming its newest day and the watermark; the fresh one passes
    const byModel = Object.fromEntries(
      report.results.filter((r) => r.kind === 'freshness').map((r) => [r.model, r]),
    );
    expect(byModel.backlog_daily?.status).toBe('fail');
    expect(Object.keys(byModel.backlog_daily?.examples[0] ?? {})).toEqual(['newest', 'watermark']);
    expect(byModel.kpi_values?.status).toBe('pass');
    expect(refused).toBeInstanceOf(PublicationRefusedError);
  });
});
