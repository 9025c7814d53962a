import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import {
  type LocalAthena,
  type LocalAthenaStatementEvent,
  startLocalAthena,
} from '#src/engines/athena/local/start-local-athena.ts';
import type { Row } from '#src/engines/query-engine.ts';
import { runTransform, type TransformResult } from '#src/models/run-transform.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';
import { ticketRow } from './helpers/landing-world.ts';

/*
 * A transform under a time budget, on the local Athena (the real client, engine v3's rules) over
 * s3rver: each day is built twice, once uninterrupted ("reference" database) and once with a budget
 * that runs out while a chosen statement is running ("resumed" database), then continued with a
 * second call of the same run id. The resumed tables must equal the reference ones, with no
 * scratch table left.
 */
const repoSql = fileURLToPath(new URL('../../sql/', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const seeds = [
  {
    name: 'group_tiers',
    columns: { group_id: 'bigint', tier: 'varchar' },
    rows: [{ group_id: 10, tier: 'L1' }],
  },
] as const;

let dir: string;
let s3: RunningS3Server;
let athena: LocalAthena;
let client: AthenaClient;
let store: S3ObjectStore;
const events: LocalAthenaStatementEvent[] = [];
/** The statement to hold RUNNING (and the budget to expire while it runs): its text and which occurrence. */
let holdAt: { matches: (sql: string) => boolean; occurrence: number; budget: AbortController } | undefined;
let seen = 0;
let page = 0;

function engine(database: string): AthenaEngine {
  return new AthenaEngine({
    workgroup: 'local',
    database,
    curatedLocation: `s3://${s3.bucket}/curated-${database}/`,
    client,
    initialPollMs: 2,
    maxPollMs: 10,
  });
}

async function land(dt: string, rows: Record<string, unknown>[]): Promise<void> {
  page++;
  const body = rows.map((r) =>
    JSON.stringify({ ...r, _run_id: `x-${dt}`, _extracted_at: `${dt}T23:00:00Z` }),
  );
  await store.put(
    `landing/zendesk/tickets/dt=${dt}/x-${dt}-${String(page).padStart(5, '0')}.jsonl.gz`,
    gzipSync(`${body.join('\n')}\n`),
  );
}

function transform(database: string, runId: string, budget?: AbortSignal): Promise<TransformResult> {
  return runTransform({
    engine: engine(database),
    store,
    runId,
    modelsDir: join(dir, 'sql'),
    seeds: seeds.map((s) => ({ ...s, rows: [...s.rows] })),
    ...(budget ? { budget: { signal: budget } } : {}),
  });
}

async function tables(database: string): Promise<Record<string, Row[]>> {
  const e = engine(database);
  const out: Record<string, Row[]> = {};
  for (const name of ['int_tickets_current', 'int_ticket_daily_counts']) {
    const { rows } = await e.execute(`SELECT * FROM "${name}"`);
    out[name] = [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

async function scratchTables(database: string): Promise<string[]> {
  const relations = await engine(database).listRelations();
  return [...relations.keys()].filter((n) => /__(tmp|old|delta)$/.test(n)).sort();
}

/** The versions of a table the catalog holds (Athena publishes a table as a view over one). */
async function versionsOf(database: string, name: string): Promise<string[]> {
  const relations = await engine(database).listRelations();
  return [...relations.keys()].filter((n) => n.startsWith(`${name}__v__`)).sort();
}

/** Build a day in both databases: uninterrupted, then stopped at `sql` and continued. */
async function day(runId: string, sql: (sql: string) => boolean, occurrence = 1) {
  await transform('reference', runId);
  const budget = new AbortController();
  holdAt = { matches: sql, occurrence, budget };
  seen = 0;
  const first = await transform('resumed', runId, budget.signal);
  holdAt = undefined;
  const second = await transform('resumed', runId, new AbortController().signal);
  return { first, second };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'resumable-transform-'));
  cpSync(join(repoSql, 'staging'), join(dir, 'sql', 'staging'), { recursive: true });
  cpSync(fixtures, join(dir, 'sql'), { recursive: true });
  s3 = await startS3Server('lake-resumable');
  athena = await startLocalAthena({
    s3Endpoint: s3.endpoint,
    onStatement: (e) => events.push(e),
    // The chosen statement stays RUNNING for a minute unless stopped; the budget expires as it starts.
    latencyMs: (sql) => {
      if (!holdAt || !holdAt.matches(sql) || ++seen !== holdAt.occurrence) return 0;
      holdAt.budget.abort(new Error('time budget exhausted'));
      return 60_000;
    },
  });
  client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new S3ObjectStore({ bucket: s3.bucket, client: s3.client });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await athena?.close();
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a transform under a time budget', () => {
  it('stops when the budget expires mid-model, cancels the running statement, and the next call finishes with the same tables', async () => {
    // Prepare: a first day of tickets
    await land('2026-01-30', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-30T09:00:00Z', status: 'open' }),
      ticketRow({ ticket_id: 2, created_at: '2026-01-30T10:00:00Z', status: 'new' }),
    ]);
    // Act: the budget expires as the table model's new version is about to be published
    const publish =
      'CREATE OR REPLACE VIEW "int_ticket_daily_counts" AS SELECT * FROM "int_ticket_daily_counts__v__day_1"';
    const { first, second } = await day('day-1', (sql) => sql === publish);
    // Assess
    expect(first.done).toBe(false);
    expect(first.models.map((m) => m.model)).not.toContain('int_ticket_daily_counts');
    const cancelled = events.filter((e) => e.state === 'CANCELLED');
    expect(cancelled.map((e) => e.sql)).toEqual([publish]);
    expect(second).toMatchObject({ done: true, invocation: 2, watermarkAdvanced: true });
    expect(second.models.map((m) => m.model)).toContain('int_ticket_daily_counts');
    expect(events.filter((e) => e.state === 'FAILED').map((e) => `${e.error}\n${e.sql}`)).toEqual([]);
    expect(await tables('resumed')).toEqual(await tables('reference'));
    expect(await scratchTables('resumed')).toEqual([]);
    // The retry built into a fresh version; the one the stopped call never published is gone.
    expect(await versionsOf('resumed', 'int_ticket_daily_counts')).toEqual([
      'int_ticket_daily_counts__v__day_1_2',
    ]);
  });

  it('continues an incremental day stopped in the middle of its merge without losing history', async () => {
    // Prepare: a later day updates a ticket of January and opens one in February
    await land('2026-02-02', [
      ticketRow({
        ticket_id: 1,
        created_at: '2026-01-30T09:00:00Z',
        updated_at: '2026-02-02T08:00:00Z',
        status: 'solved',
      }),
      ticketRow({ ticket_id: 3, created_at: '2026-02-02T11:00:00Z', status: 'open' }),
    ]);
    events.length = 0;
    // Act: stopped while the incremental model merges the day's changes into its current version
    const merge = /^MERGE INTO "int_tickets_current(__v__[a-z0-9_]+)?"/;
    const { first, second } = await day('day-2', (sql) => merge.test(sql));
    // Assess
    expect(first.done).toBe(false);
    const cancelled = events.filter((e) => e.state === 'CANCELLED');
    expect(cancelled.map((e) => merge.test(e.sql))).toEqual([true]);
    expect(second.done).toBe(true);
    // The retry merges the day again, after the cancelled statement.
    const after = events.slice(events.findIndex((e) => e.state === 'CANCELLED') + 1).map((e) => e.sql);
    expect(after.filter((sql) => merge.test(sql)).length).toBeGreaterThanOrEqual(1);
    expect(second.models.find((m) => m.model === 'int_tickets_current')?.action).toBe('merge');
    expect(events.filter((e) => e.state === 'FAILED').map((e) => `${e.error}\n${e.sql}`)).toEqual([]);
    const resumed = await tables('resumed');
    expect(resumed).toEqual(await tables('reference'));
    const current = resumed.int_tickets_current?.map((r) => [r.ticket_id, r.status]);
    expect(current?.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'solved'],
      [2, 'new'],
      [3, 'open'],
    ]);
    expect(await scratchTables('resumed')).toEqual([]);
  });

  it('answers a call for a run already finished without building anything again', async () => {
    // Act
    const again = await transform('resumed', 'day-2', new AbortController().signal);
    // Assess
    expect(again).toMatchObject({ done: true, statements: 0 });
  });
});
