import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { readJsonLines } from '#src/governance/retention/json-lines-file.ts';
import { recordDate } from '#src/governance/retention/record-date.ts';
import { monthsBefore } from '#src/governance/retention/retention-window.ts';
import { type RetentionReport, runRetention } from '#src/governance/retention/run-retention.ts';
import { type PipelineResult, runPipeline } from '#src/pipeline/run-pipeline.ts';
import { manifestKeys } from '#src/publish/publication-manifest.ts';
import { readCurrentPublication } from '#src/publish/read-publication.ts';
import { verifyPublication } from '#src/publish/verify-publication.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/*
 * DEFAULT_WALK_MONTHS months of a small desk (1 ticket a day), walked month by month: at each month's start the
 * job runs, then retention (facts, text and raw at 12 months). The reference is the same world built
 * in one run at the end, without retention. Afterwards a full rebuild must give back the retained state.
 */
/** How many months the walk covers unless RETENTION_WALK_MONTHS says otherwise (14 crosses the window twice). */
const DEFAULT_WALK_MONTHS = 30;
const MONTHS = Number(process.env.RETENTION_WALK_MONTHS || DEFAULT_WALK_MONTHS);
if (!Number.isInteger(MONTHS) || MONTHS < 1) {
  throw new Error(
    `RETENTION_WALK_MONTHS must be a whole number of months (1 or more), not "${process.env.RETENTION_WALK_MONTHS}"`,
  );
}
const START = '2024-07-01';
const env = { WAREHOUSE_HMAC_KEY: 'retention-walk-test-key-0123456789' };
const monthStart = (i: number) => new Date(Date.UTC(2024, 6 + i, 1));
const END = monthStart(MONTHS);
const CUTOFF = monthsBefore(END, 12);

let dir: string;
let walk: WarehouseConfig;
let reference: WarehouseConfig;
let lastRun: PipelineResult;
let lastRetention: RetentionReport;
const runs: PipelineResult[] = [];
/** What the current publication lacks right after each retention (missing or changed files). */
const publicationProblems: string[] = [];

function configFor(root: string, now: Date): WarehouseConfig {
  return parseConfig({
    lake: { kind: 'local', root: join(root, 'lake') },
    engine: { kind: 'duckdb', database: join(root, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(root, 'state'),
    sources: { zendesk: { startDate: START }, hubspot: { startDate: START } },
    simulator: {
      seed: 11,
      startDate: START,
      days: 31 * MONTHS,
      ticketsPerDay: 1,
      crashDayRate: 0,
      now: now.toISOString(),
    },
    // The reporting calendar (day spine of backlog_daily, business hours) must cover the world's
    // days; its default starts in 2025, after this world does.
    sla: { calendarFrom: START },
    governance: { retention: { factsMonths: 12, textMonths: 12, rawMonths: 12 } },
  });
}

async function rows(config: WarehouseConfig, sql: string) {
  const engine = await createQueryEngine(config);
  try {
    return (await engine.execute(sql)).rows;
  } finally {
    await engine.close();
  }
}

async function retain(config: WarehouseConfig, now: Date) {
  const store = createObjectStore(config.lake);
  const engine = await createQueryEngine(config, store);
  try {
    return await runRetention({
      config,
      store,
      engine,
      now,
      hmacKey: env.WAREHOUSE_HMAC_KEY,
      audit: createAuditLog(config),
    });
  } finally {
    await engine.close();
  }
}

async function listKeys(store: ObjectStore, prefix: string) {
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  return keys;
}

const KPI_ROWS =
  'select period_grain, cast(period_start as varchar) as p, breakdown, breakdown_value, kpi, value, numerator, denominator from kpi_values';
/** Rows as sorted JSON, numbers to 10 significant digits (sums in another order differ in the last bit). */
const canonical = (rs: readonly Record<string, unknown>[]) =>
  rs
    .map((r) =>
      JSON.stringify(r, (_, v) =>
        typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v,
      ),
    )
    .sort();
/**
 * Repeat-contact and FCR flags look at the customer's tickets of the 7 days before: for a ticket of
 * the first 7 days after the cut-off those are gone, so a rebuild cannot know them (the KPI months
 * they count in are frozen). Every other column of every retained ticket must come back.
 */
const NEIGHBOUR_FLAGS = 'is_repeat_contact_24h, is_repeat_contact_7d, is_first_contact_resolution';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retention-walk-'));
  // Prepare: the walk, month by month
  for (let i = 1; i <= MONTHS; i++) {
    walk = configFor(join(dir, 'walk'), monthStart(i));
    runs.push(await runPipeline({ config: walk, runId: `walk-${String(i).padStart(2, '0')}`, env }));
    lastRetention = await retain(walk, monthStart(i));
    const store = createObjectStore(walk.lake);
    const check = await verifyPublication(store, await readCurrentPublication(store));
    publicationProblems.push(...check.problems.map((p) => `month ${i}: ${p}`));
  }
  // The run after the last retention publishes what retention left
  lastRun = await runPipeline({ config: walk, runId: 'walk-after', env });
  // … and the next retention finds nothing new to delete but the copies of the publication it superseded
  lastRetention = await retain(walk, END);
  // The reference: the same world in one run, nothing deleted
  reference = configFor(join(dir, 'reference'), END);
  await runPipeline({ config: reference, runId: 'reference', env });
}, 1_800_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`a ${MONTHS}-month walk through monthly retention`, () => {
  it('passes its data tests and publishes after every retention', () => {
    const failed = [...runs, lastRun].filter((r) => !r.dataTests.passed || !r.publication);
    expect(failed.map((r) => r.runId)).toEqual([]);
  });

  it('keeps every fact created within the window, as the reference computed it', async () => {
    const facts = `select * exclude (kpi_version) from fct_tickets where created_at >= timestamp '${CUTOFF.toISOString().slice(0, 19)}'`;
    const kept = canonical(await rows(walk, facts));
    const expected = canonical(await rows(reference, facts));
    expect(kept.length).toBeGreaterThan(300);
    expect(kept).toEqual(expected);
    const events = `select event_id from fct_ticket_events where ticket_id in (select ticket_id from fct_tickets where created_at >= timestamp '${CUTOFF.toISOString().slice(0, 19)}')`;
    expect(canonical(await rows(walk, events))).toEqual(canonical(await rows(reference, events)));
  });

  it('keeps the dimensions retained facts refer to', async () => {
    expect(canonical(await rows(walk, 'select * from dim_agents'))).toEqual(
      canonical(await rows(reference, 'select * from dim_agents')),
    );
    expect(canonical(await rows(walk, 'select * from dim_groups'))).toEqual(
      canonical(await rows(reference, 'select * from dim_groups')),
    );
    const orphans = await rows(
      walk,
      'select t.ticket_id from fct_tickets t left join int_users u on u.user_id = t.requester_id where u.user_id is null',
    );
    expect(orphans).toEqual([]);
  });

  it('keeps every KPI aggregate, of expired months too, as computed when the facts were there', async () => {
    // post_contact_retention_30d reads CRM history a monthly walk extracts differently from one
    // run at the end, with or without retention; the full-rebuild test below covers it.
    const comparable = `${KPI_ROWS} where kpi <> 'post_contact_retention_30d'`;
    const kept = canonical(await rows(walk, comparable));
    const expected = canonical(await rows(reference, comparable));
    expect(kept.length).toBeGreaterThan(10_000);
    expect(kept).toEqual(expected);
  });

  it('leaves nothing past its window in curated tables, landing, raw or superseded publications', async () => {
    const stamp = `timestamp '${CUTOFF.toISOString().slice(0, 19)}'`;
    for (const [table, column] of [
      ['fct_tickets', 'created_at'],
      ['fct_ticket_events', 'created_at'],
      ['fct_satisfaction_ratings', 'rated_at'],
      ['fct_nps_responses', 'submitted_at'],
      ['stg_zendesk__comment_texts', 'created_at'],
    ] as const) {
      expect(
        await rows(walk, `select count(*) as n from ${table} where ${column} < ${stamp}`),
        table,
      ).toEqual([{ n: 0 }]);
    }
    const store = createObjectStore(walk.lake);
    for (const prefix of ['landing/', 'raw/']) {
      for (const key of await listKeys(store, prefix)) {
        const read = await readJsonLines(store, key);
        if (!read || 'damaged' in read) throw new Error(`${key} unreadable`);
        for (const line of read.records) {
          const body = (line as { body?: Record<string, unknown> }).body;
          const records = body ? Object.values(body).flatMap((v) => (Array.isArray(v) ? v : [])) : [line];
          for (const record of records) {
            const date = recordDate(record);
            // Users and contacts stay while a retained fact refers to them; every other record is dated in the window.
            if (
              date &&
              date < CUTOFF &&
              !/users|user_pii|contacts|contact_pii|contact_snapshots|groups/.test(key)
            )
              throw new Error(`${key}: record of ${date.toISOString()} is past the window`);
          }
        }
      }
    }
    const current = await readCurrentPublication(store);
    // The current publication's files include those it reuses from earlier folders.
    const listed = new Set(manifestKeys(current.manifest));
    const superseded = (await listKeys(store, 'published/publications/')).filter(
      (k) => !k.startsWith(current.pointer.prefix) && !listed.has(k) && /\/(parquet|csv)\/(fct|dim)_/.test(k),
    );
    expect(
      superseded.filter(
        (k) => !/=(\d{4}-\d{2})/.test(k) || k.match(/=(\d{4}-\d{2})/)![1]! < CUTOFF.toISOString().slice(0, 7),
      ),
    ).toEqual([]);
  });

  it('never deletes a file of the current publication nor a published KPI partition', async () => {
    expect(publicationProblems).toEqual([]);
    expect(lastRetention.keptTables).toEqual(expect.arrayContaining(['kpi_values', 'published kpi_values']));
  });

  it('gives back the retained state on a full rebuild', async () => {
    // Prepare
    const before = canonical(await rows(walk, KPI_ROWS));
    const factsSql = `select * exclude (kpi_version, ${NEIGHBOUR_FLAGS}) from fct_tickets`;
    const flagsSql = `select ticket_id, ${NEIGHBOUR_FLAGS} from fct_tickets where created_at >= timestamp '${new Date(CUTOFF.getTime() + 7 * 86_400_000).toISOString().slice(0, 19)}'`;
    const facts = canonical(await rows(walk, factsSql));
    const flags = canonical(await rows(walk, flagsSql));

    // Act
    const rebuilt = await runPipeline({ config: walk, runId: 'walk-full', env, full: true });

    // Assess
    expect(rebuilt.dataTests.passed).toBe(true);
    expect(canonical(await rows(walk, factsSql))).toEqual(facts);
    expect(canonical(await rows(walk, flagsSql))).toEqual(flags);
    expect(canonical(await rows(walk, KPI_ROWS))).toEqual(before);
  }, 600_000);
});
