import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { landingStreams } from '#src/landing/landing-schemas.ts';
import {
  IncrementalKeyError,
  ModelBuildError,
  runTransform,
  type TransformProgress,
} from '#src/models/run-transform.ts';
import { createLandingWorld, type LandingWorld, ticketRow } from './helpers/landing-world.ts';

let world: LandingWorld;
beforeEach(async () => {
  world = await createLandingWorld();
});
afterEach(() => world.close());

const transform = (runId: string, extra: Partial<Parameters<typeof runTransform>[0]> = {}) =>
  runTransform({ engine: world.engine, store: world.store, runId, modelsDir: world.modelsDir, ...extra });

async function rows(sql: string) {
  return (await world.engine.execute(sql)).rows;
}

describe('runTransform on DuckDB', () => {
  it('builds views, tables and incremental tables in dependency order, reporting each model', async () => {
    // Prepare
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
      ticketRow({ ticket_id: 2, created_at: '2026-01-01T11:00:00Z' }),
    ]);
    const events: TransformProgress[] = [];
    // Act
    const result = await transform('run-1', { onProgress: (e) => events.push(e) });
    // Assess
    const done = result.models.map((m) => [m.model, m.action, m.rows]);
    expect(done).toContainEqual(['landing_zendesk__tickets__new_latest', 'view', null]);
    expect(done).toContainEqual(['stg_zendesk__tickets', 'rebuild', 2]);
    expect(done).toContainEqual(['int_tickets_current', 'rebuild', 2]);
    expect(done).toContainEqual(['int_ticket_daily_counts', 'rebuild', 1]);
    expect(done.findIndex((d) => d[0] === 'int_tickets_current')).toBeLessThan(
      done.findIndex((d) => d[0] === 'int_ticket_daily_counts'),
    );
    expect(events.filter((e) => e.stage === 'model-done')).toHaveLength(result.models.length);
    expect(result.landing.find((l) => l.table === 'landing_zendesk__tickets')).toMatchObject({
      files: 1,
      newFiles: 1,
    });
    expect(await world.engine.relationExists('int_tickets_current')).toBe('table');
    expect(await world.engine.relationExists('stg_zendesk__tickets')).toBe('table');
    expect(await world.engine.relationExists('stg_zendesk__groups')).toBe('view');
  });

  it('gives every empty stream a typed, empty landing view', async () => {
    await transform('run-1');
    const { columns, rows: empty } = await world.engine.execute(
      'SELECT * FROM landing_hubspot__contacts__new',
    );
    expect(empty).toEqual([]);
    expect(columns).toEqual([...Object.keys(landingStreams.contacts.columns), 'dt']);
    const typed = await rows(
      "SELECT data_type FROM information_schema.columns WHERE table_name = 'stg_hubspot__contacts' AND column_name = 'updated_at'",
    );
    // UTC timestamps without zone: Athena's Iceberg tables take no other timestamp type.
    expect(typed).toEqual([{ data_type: 'TIMESTAMP' }]);
  });

  it('reads only the files that arrived since the last successful run, and merges them', async () => {
    // Prepare
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
    ]);
    await transform('run-1');
    await world.land('tickets', '2026-01-02', 'x2', [
      ticketRow({
        ticket_id: 1,
        created_at: '2026-01-01T10:00:00Z',
        updated_at: '2026-01-02T09:00:00Z',
        status: 'solved',
      }),
      ticketRow({ ticket_id: 3, created_at: '2026-02-02T10:00:00Z' }),
    ]);
    // Act
    const result = await transform('run-2');
    // Assess
    expect(await rows('SELECT ticket_id FROM landing_zendesk__tickets__new ORDER BY 1')).toEqual([
      { ticket_id: 1 },
      { ticket_id: 3 },
    ]);
    expect(await rows('SELECT count(*) AS n FROM landing_zendesk__tickets')).toEqual([{ n: 3 }]);
    expect(result.models.find((m) => m.model === 'int_tickets_current')).toMatchObject({
      action: 'merge',
      rows: 2,
      partitions: ['2026-01', '2026-02'],
    });
    expect(await rows('SELECT ticket_id, status, created_month FROM int_tickets_current ORDER BY 1')).toEqual(
      [
        { ticket_id: 1, status: 'solved', created_month: '2026-01' },
        { ticket_id: 3, status: 'new', created_month: '2026-02' },
      ],
    );
  });

  it('keeps the newest version when one run holds several versions of a ticket', async () => {
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z', status: 'new' }),
      ticketRow({
        ticket_id: 1,
        created_at: '2026-01-01T10:00:00Z',
        updated_at: '2026-01-01T12:00:00Z',
        status: 'open',
      }),
    ]);
    await transform('run-1');
    expect(await rows('SELECT status FROM int_tickets_current')).toEqual([{ status: 'open' }]);
  });

  it('rebuilds everything from all files on a full refresh', async () => {
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
    ]);
    await transform('run-1');
    await world.land('tickets', '2026-01-02', 'x2', [
      ticketRow({ ticket_id: 2, created_at: '2026-01-02T10:00:00Z' }),
    ]);
    await transform('run-2');
    await world.engine.execute('DELETE FROM int_tickets_current');
    // Act
    const result = await transform('run-3', { full: true });
    // Assess
    expect(result.models.find((m) => m.model === 'int_tickets_current')).toMatchObject({
      action: 'rebuild',
      rows: 2,
    });
    expect(await rows('SELECT count(*) AS n FROM landing_zendesk__tickets__new')).toEqual([{ n: 2 }]);
  });

  it('builds only the selection, and leaves new files new for the next complete run', async () => {
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
    ]);
    // Act
    const partial = await transform('run-1', { select: 'stg_zendesk__tickets+' });
    const next = await transform('run-2');
    // Assess
    // The latest-row models come with every selection: they belong to the run's landing sources.
    expect(partial.models.map((m) => m.model).filter((m) => !m.endsWith('__new_latest'))).toEqual([
      'stg_zendesk__tickets',
      'int_tickets_current',
      'int_ticket_daily_counts',
    ]);
    expect(partial.models.filter((m) => m.model.endsWith('__new_latest'))).toHaveLength(15);
    expect(partial.watermarkAdvanced).toBe(false);
    expect(next.landing.find((l) => l.table === 'landing_zendesk__tickets')?.newFiles).toBe(1);
  });

  it('materialises seeds as typed cfg_ tables, empty ones included', async () => {
    await transform('run-1', {
      seeds: [
        {
          name: 'group_tiers',
          columns: { group_id: 'bigint', tier: 'varchar', since: 'timestamp' },
          rows: [{ group_id: 10, tier: "L1 'front'", since: '2026-01-01T00:00:00Z' }],
        },
        { name: 'bots', columns: { user_id: 'bigint' }, rows: [] },
      ],
    });
    expect(await rows('SELECT * FROM cfg_group_tiers')).toEqual([
      { group_id: 10, tier: "L1 'front'", since: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(
      await rows("SELECT data_type FROM information_schema.columns WHERE table_name = 'cfg_bots'"),
    ).toEqual([{ data_type: 'BIGINT' }]);
  });

  it('keeps the previous table and the watermark when a model fails, naming the model', async () => {
    // Prepare
    mkdirSync(join(world.modelsDir, 'marts'), { recursive: true });
    const fragile = join(world.modelsDir, 'marts', 'fct_fragile.sql');
    const header = '-- materialized: table\n-- description: fails on demand\n';
    writeFileSync(fragile, `${header}select ticket_id from int_tickets_current\n`);
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
    ]);
    await transform('run-1');
    await world.land('tickets', '2026-01-02', 'x2', [
      ticketRow({ ticket_id: 2, created_at: '2026-01-02T10:00:00Z' }),
    ]);
    writeFileSync(
      fragile,
      `${header}select cast('not a number' as bigint) as ticket_id from int_tickets_current\n`,
    );
    // Act
    const failure = transform('run-2');
    // Assess
    await expect(failure).rejects.toThrow(ModelBuildError);
    await expect(failure).rejects.toThrow(/fct_fragile \(sql\/marts\/fct_fragile\.sql\)/);
    expect(await rows('SELECT ticket_id FROM fct_fragile')).toEqual([{ ticket_id: 1 }]);
    expect(await rows("SELECT status FROM warehouse_runs WHERE run_id = 'run-2'")).toEqual([
      { status: 'failed' },
    ]);
    writeFileSync(fragile, `${header}select ticket_id from int_tickets_current\n`);
    const retry = await transform('run-3');
    expect(retry.landing.find((l) => l.table === 'landing_zendesk__tickets')?.newFiles).toBe(1);
    expect(await rows('SELECT ticket_id FROM fct_fragile ORDER BY 1')).toEqual([
      { ticket_id: 1 },
      { ticket_id: 2 },
    ]);
  });

  it('refuses an incremental delta with two rows for one key', async () => {
    writeFileSync(
      join(world.modelsDir, 'intermediate', 'int_raw_tickets.sql'),
      '-- materialized: incremental\n-- unique_key: ticket_id\n-- description: raw\nselect ticket_id, status from landing_zendesk__tickets__new\n',
    );
    await world.land('tickets', '2026-01-01', 'x1', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z' }),
    ]);
    await transform('run-1');
    await world.land('tickets', '2026-01-02', 'x2', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z', status: 'open' }),
      ticketRow({ ticket_id: 1, created_at: '2026-01-01T10:00:00Z', status: 'solved' }),
    ]);
    await expect(transform('run-2')).rejects.toThrow(IncrementalKeyError);
    expect(await world.engine.relationExists('int_raw_tickets__delta')).toBeUndefined();
  });
});
