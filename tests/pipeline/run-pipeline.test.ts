import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorld } from '#simulator/start-simulator.ts';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import type { AuditEntry } from '#src/governance/audit/audit-entry.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { localStages } from '#src/pipeline/pipeline-stages.ts';
import { type PipelineResult, runPipeline } from '#src/pipeline/run-pipeline.ts';
import { readCurrentPointer } from '#src/publish/read-publication.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';

/*
 * The whole local job twice on a small simulated desk: the first run builds and publishes
 * everything, the second finds nothing new and must neither lose nor double a ticket.
 */
let dir: string;
let input: Record<string, unknown>;
let config: WarehouseConfig;
let first: PipelineResult;
let second: PipelineResult;
const lines: string[] = [];
const env = { WAREHOUSE_HMAC_KEY: 'test-key-for-the-pipeline-only' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  input = {
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { seed: 7, startDate: '2026-08-01', days: 6, ticketsPerDay: 40 },
  };
  config = parseConfig(input);
  first = await runPipeline({ config, runId: 'run-1', env, log: (line) => lines.push(line) });
  second = await runPipeline({ config, runId: 'run-2', env, log: (line) => lines.push(line) });
}, 300_000);

async function query(sql: string) {
  const engine = await createQueryEngine(config);
  try {
    return (await engine.execute(sql)).rows;
  } finally {
    await engine.close();
  }
}

describe('the local pipeline on the embedded default', () => {
  it('serves the sources from the simulator and computes the KPIs at the simulated desk’s now', () => {
    expect(first.usedSimulator).toBe(true);
    expect(first.now.toISOString()).toBe('2026-08-07T00:00:00.000Z');
    expect(
      lines.some((l) => l.startsWith('simulate: zendesk and hubspot served by the bundled simulator')),
    ).toBe(true);
  });

  it('extracts every stream completely and models one fact row per ticket the desk knows', async () => {
    expect(first.extract.streams.every((s) => s.status === 'succeeded')).toBe(true);
    const { truth } = createWorld(config.simulator);
    const expected = new Set<number>();
    for await (const t of truth.tickets()) if (!t.isMalformed && !t.isMergedAway) expected.add(t.ticketId);
    const rows = await query('select ticket_id from fct_tickets');
    const ids = rows.map((r) => Number(r.ticket_id));
    expect(new Set(ids).size).toBe(ids.length);
    const missing = [...expected].filter((id) => !ids.includes(id));
    expect(missing).toEqual([]);
  });

  it('passes the data tests, publishes, and reads the scorecard back for the summary', async () => {
    expect(first.dataTests.passed).toBe(true);
    expect(first.dataTests.counts.pass).toBeGreaterThan(20);
    expect(first.publication?.runId).toBe('run-1');
    expect(first.scorecard.rows.length).toBeGreaterThan(10);
    expect(first.scorecard.rows.map((r) => r.kpi)).toContain('sla_compliance_rate');
    expect(first.sentiment.messages).toBeGreaterThan(0);
  });

  it('on a second run with nothing new, doubles nothing and publishes the new run', async () => {
    const total = (r: PipelineResult, stream: string) =>
      r.extract.streams.find((s) => `${s.source}/${s.stream}` === stream)?.records ?? -1;
    expect(total(second, 'zendesk/tickets')).toBe(0);
    expect(second.rebuiltForNewDefinitions).toBe(false);
    expect(second.transform.models.some((m) => m.action === 'merge')).toBe(true);
    const [counts] = await query('select count(*) as n, count(distinct ticket_id) as d from fct_tickets');
    expect(counts?.n).toBe(counts?.d);
    const pointer = await readCurrentPointer(createObjectStore(config.lake));
    expect(pointer?.runId).toBe('run-2');
  });

  it('audits the run, each stage and the first KPI definitions, in an intact chain', async () => {
    const audit = createAuditLog(config);
    expect(await audit.verify()).toMatchObject({ ok: true });
    const entries: AuditEntry[] = [];
    for await (const e of audit.entries()) entries.push(e);
    const stages = entries
      .filter((e) => e.action === 'pipeline.stage' && e.target.startsWith('run-1/'))
      .map((e) => `${e.target.slice('run-1/'.length)} ${e.outcome}`);
    // The stages of the one stage list, in its order, each on record before it begins, so a killed
    // run still shows where it was.
    expect(stages).toEqual(localStages.flatMap((stage) => [`${stage} started`, `${stage} success`]));
    expect(entries.filter((e) => e.action === 'pipeline.run').map((e) => [e.target, e.outcome])).toEqual([
      ['run-1', 'started'],
      ['run-1', 'success'],
      ['run-2', 'started'],
      ['run-2', 'success'],
    ]);
    const definitions = entries.filter((e) => e.action === 'kpi_definition.change');
    expect(definitions).toHaveLength(1);
    expect(definitions[0]?.target).toBe(first.kpiVersion);
  });

  it('writes nothing outside its configured folders', () => {
    const configured = new Set(['lake', 'state', 'warehouse.duckdb', 'warehouse.duckdb.wal']);
    expect(readdirSync(dir).filter((entry) => !configured.has(entry))).toEqual([]);
  });
});

describe('a change of KPI definitions', () => {
  it('is recorded only once its rebuild succeeded, so a failed rebuild is retried by the next run', async () => {
    // Prepare: a new FCR target changes the definitions' version
    const changed = parseConfig({ ...input, kpis: { catalogue: { fcr_rate: { weight: 3 } } } });
    const interrupted = new AbortController();
    interrupted.abort(new Error('interrupted'));

    // Act: the first run with the new definitions is stopped; the next one completes
    const failed = await runPipeline({
      config: changed,
      runId: 'run-3',
      env,
      signal: interrupted.signal,
    }).catch((error: unknown) => error as Error);
    const retried = await runPipeline({ config: changed, runId: 'run-4', env });

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(retried.kpiVersion).not.toBe(first.kpiVersion);
    expect(retried.rebuiltForNewDefinitions).toBe(true);
    expect(retried.transform.full).toBe(true);
    const audit = createAuditLog(config);
    const changes: AuditEntry[] = [];
    for await (const e of audit.entries()) if (e.action === 'kpi_definition.change') changes.push(e);
    expect(changes.map((e) => [e.target, e.details?.run_id])).toEqual([
      [first.kpiVersion, 'run-1'],
      [retried.kpiVersion, 'run-4'],
    ]);
  }, 300_000);
});
