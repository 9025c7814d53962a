import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { athenaStatements } from '#src/engines/athena/athena-statements.ts';
import { duckDbStatements } from '#src/engines/duckdb/duckdb-statements.ts';
import { ModelHeaderError, parseModelHeader } from '#src/models/model-header.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { createLandingWorld, type LandingWorld, ticketRow } from './helpers/landing-world.ts';

/**
 * Two incremental options: `version_column` (an older version arriving later never overwrites a
 * newer one) and `incremental_strategy: replace_partitions` (a recomputed partition holds exactly
 * the new rows: a cell that disappeared does not survive).
 */
const LATEST = `-- materialized: incremental
-- unique_key: ticket_id
-- version_column: generated_timestamp
-- description: Latest ticket state, newest version kept across runs
select ticket_id, status, generated_timestamp from stg_zendesk__tickets
`;

// Counts per month and status, recomputed whole for the months this run touched; a status that
// no longer occurs in a month must vanish from it.
const COUNTS = `-- materialized: incremental
-- unique_key: created_month, status
-- partition_by: created_month
-- incremental_strategy: replace_partitions
-- description: Tickets per created month and current status, recomputed for the touched months
with touched as (
  select distinct date_format(created_at, '%Y-%m') as created_month from stg_zendesk__tickets
)
select date_format(t.created_at, '%Y-%m') as created_month, t.status, count(*) as tickets
from latest_tickets as t
where date_format(t.created_at, '%Y-%m') in (select created_month from touched)
group by 1, 2
`;

let world: LandingWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function worldWith(models: Record<string, string>): Promise<LandingWorld> {
  const w = await createLandingWorld({ withFixtures: false });
  for (const [file, sql] of Object.entries(models)) {
    mkdirSync(join(w.modelsDir, file, '..'), { recursive: true });
    writeFileSync(join(w.modelsDir, file), sql);
  }
  return w;
}

/** The latest-tickets state (with creation time) and the month counts mart over it. */
function countsWorld(): Promise<LandingWorld> {
  return worldWith({
    'intermediate/latest_tickets.sql': LATEST.replace(
      'select ticket_id, status, generated_timestamp',
      'select ticket_id, status, created_at, generated_timestamp',
    ),
    'marts/status_counts.sql': COUNTS,
  });
}

function transform(w: LandingWorld, runId: string, full = false) {
  return runTransform({ engine: w.engine, store: w.store, runId, modelsDir: w.modelsDir, full });
}

describe('version_column', () => {
  it('keeps the newer version when an older one lands in a later run, and takes a newer one', async () => {
    // Prepare
    world = await worldWith({ 'intermediate/latest_tickets.sql': LATEST });
    const at = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00Z`;
    const run = (id: string) => transform(world!, id);
    const status = async () =>
      (await world!.engine.execute('SELECT status FROM latest_tickets WHERE ticket_id = 1')).rows[0]?.status;
    // Act + Assess: version 2, then version 1 late, then version 3
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: at(1), updated_at: at(5), status: 'solved' }),
    ]);
    await run('r1');
    await world.land('tickets', '2026-01-02', 'x2', [
      ticketRow({ ticket_id: 1, created_at: at(1), updated_at: at(2), status: 'open' }),
    ]);
    await run('r2');
    expect(await status()).toBe('solved');
    await world.land('tickets', '2026-01-03', 'x3', [
      ticketRow({ ticket_id: 1, created_at: at(1), updated_at: at(9), status: 'pending' }),
    ]);
    await run('r3');
    expect(await status()).toBe('pending');
  }, 60_000);

  it('renders a guarded MERGE for both engines', () => {
    // Prepare
    const input = {
      target: 'x',
      deltaName: 'x__delta',
      columns: ['id', 'v', 'a'],
      uniqueKey: ['id'],
      versionColumn: 'v',
    };
    // Act
    const texts = [
      duckDbStatements.merge(input),
      athenaStatements({ curatedLocation: 's3://b/c/' }).merge(input),
    ];
    // Assess
    for (const text of texts) {
      expect(text).toContain('WHEN MATCHED AND (t."v" IS NULL OR s."v" >= t."v") THEN UPDATE SET');
    }
  });
});

describe('incremental_strategy: replace_partitions', () => {
  it('drops the cells a recomputed partition no longer has and leaves other partitions alone', async () => {
    // Prepare: a mart over the whole state of the touched months
    world = await countsWorld();
    const run = (id: string, full = false) => transform(world!, id, full);
    const rows = async () =>
      (await world!.engine.execute('SELECT created_month, status, tickets FROM status_counts ORDER BY 1, 2'))
        .rows;
    await world.land('tickets', '2026-01-05', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-05T10:00:00Z', status: 'open' }),
      ticketRow({ ticket_id: 2, created_at: '2026-02-05T10:00:00Z', status: 'open' }),
    ]);
    await run('r1');
    // Act: January's only ticket is solved; February is not touched
    await world.land('tickets', '2026-01-06', 'x2', [
      ticketRow({
        ticket_id: 1,
        created_at: '2026-01-05T10:00:00Z',
        updated_at: '2026-01-06T10:00:00Z',
        status: 'solved',
      }),
    ]);
    const result = await run('r2');
    // Assess: the (2026-01, open) cell is gone, February kept
    expect(result.models.find((m) => m.model === 'status_counts')).toMatchObject({
      action: 'merge',
      partitions: ['2026-01'],
    });
    expect(await rows()).toEqual([
      { created_month: '2026-01', status: 'solved', tickets: 1 },
      { created_month: '2026-02', status: 'open', tickets: 1 },
    ]);
  }, 60_000);

  it('keeps, on a full refresh, the partitions whose sources retention deleted, and recomputes the rest', async () => {
    // Prepare: January and February built, then retention removes January from landing and curated
    world = await countsWorld();
    const run = (id: string, full = false) => transform(world!, id, full);
    await world.land('tickets', '2026-01-05', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-05T10:00:00Z', status: 'solved' }),
    ]);
    await world.land('tickets', '2026-02-05', 'x2', [
      ticketRow({ ticket_id: 2, created_at: '2026-02-05T10:00:00Z', status: 'open' }),
    ]);
    await run('r1');
    const january: string[] = [];
    for await (const object of world.store.list('landing/zendesk/tickets/dt=2026-01-05/'))
      january.push(object.key);
    expect(january.length).toBeGreaterThan(0);
    await world.store.delete(january);
    await world.engine.execute(
      `DELETE FROM latest_tickets WHERE created_at < TIMESTAMP '2026-02-01 00:00:00'`,
    );
    await world.land('tickets', '2026-02-06', 'x3', [
      ticketRow({
        ticket_id: 2,
        created_at: '2026-02-05T10:00:00Z',
        updated_at: '2026-02-06T10:00:00Z',
        status: 'solved',
      }),
    ]);

    // Act: a full refresh (as after a change of KPI definitions)
    const result = await run('r2', true);

    // Assess: January's aggregate is kept, February recomputed from what remains
    expect(result.models.find((m) => m.model === 'latest_tickets')?.action).toBe('rebuild');
    expect(result.models.find((m) => m.model === 'status_counts')).toMatchObject({
      action: 'merge',
      partitions: ['2026-02'],
    });
    const rows = (
      await world.engine.execute('SELECT created_month, status, tickets FROM status_counts ORDER BY 1, 2')
    ).rows;
    expect(rows).toEqual([
      { created_month: '2026-01', status: 'solved', tickets: 1 },
      { created_month: '2026-02', status: 'solved', tickets: 1 },
    ]);
  }, 60_000);

  it('rebuilds the whole table on a full refresh when its columns changed', async () => {
    // Prepare
    world = await countsWorld();
    const run = (id: string, full = false) => transform(world!, id, full);
    await world.land('tickets', '2026-01-05', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-05T10:00:00Z', status: 'open' }),
    ]);
    await run('r1');
    writeFileSync(
      join(world.modelsDir, 'marts/status_counts.sql'),
      COUNTS.replace('count(*) as tickets', 'count(*) as tickets, max(t.ticket_id) as last_ticket_id'),
    );

    // Act
    const result = await run('r2', true);

    // Assess
    expect(result.models.find((m) => m.model === 'status_counts')?.action).toBe('rebuild');
    const columns = (await world.engine.execute('SELECT * FROM status_counts LIMIT 0')).columns;
    expect(columns).toContain('last_ticket_id');
  }, 60_000);

  it('renders one atomic MERGE that deletes the rows the delta lacks, for both engines', () => {
    // Prepare
    const input = {
      target: 'm',
      deltaName: 'm__delta',
      columns: ['k', 'month', 'n'],
      uniqueKey: ['k', 'month'],
      partitionBy: 'month',
      partitions: ['2026-01'],
    };
    // Act
    const texts = [
      duckDbStatements.replacePartitions(input),
      athenaStatements({ curatedLocation: 's3://b/c/' }).replacePartitions(input),
    ];
    // Assess
    for (const text of texts) {
      expect(text).toMatch(/^MERGE INTO "m" AS t USING \(SELECT "k", "month", "n", FALSE AS "__replaced"/);
      expect(text).toContain(`WHERE o."month" IN ('2026-01') AND NOT EXISTS`);
      // Rows to delete carry only their key: the target's other columns are not read.
      expect(text).toContain('UNION ALL SELECT o."k", o."month", NULL, TRUE AS "__replaced" FROM "m" AS o');
      expect(text).toContain('WHEN MATCHED AND s."__replaced" THEN DELETE');
      expect(text).toContain('WHEN NOT MATCHED AND NOT s."__replaced" THEN INSERT');
    }
  });

  it('is refused without a partition column, and version_column with it', () => {
    const base = '-- materialized: incremental\n-- unique_key: k\n-- description: x\n';
    expect(() =>
      parseModelHeader(`${base}-- incremental_strategy: replace_partitions\nselect 1`, 'm.sql'),
    ).toThrow(/needs `-- partition_by: col`/);
    expect(() =>
      parseModelHeader(
        `${base}-- partition_by: p\n-- incremental_strategy: replace_partitions\n-- version_column: v\nselect 1`,
        'm.sql',
      ),
    ).toThrow(ModelHeaderError);
    expect(() => parseModelHeader(`${base}-- incremental_strategy: upsert\nselect 1`, 'm.sql')).toThrow(
      /merge or replace_partitions/,
    );
  });
});
