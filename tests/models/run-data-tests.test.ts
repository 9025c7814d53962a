import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertDataTestsPassed, DataTestsFailedError, runDataTests } from '#src/models/run-data-tests.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { createLandingWorld, type LandingWorld, ticketRow } from './helpers/landing-world.ts';

let world: LandingWorld;
beforeEach(async () => {
  world = await createLandingWorld({ withFixtures: false });
  mkdirSync(join(world.modelsDir, 'marts'), { recursive: true });
});
afterEach(() => world.close());

/** A table model with these tests over fixed rows (ids, status, group, updated_at). */
function writeModel(name: string, tests: string[], values: string) {
  writeFileSync(
    join(world.modelsDir, 'marts', `${name}.sql`),
    [
      '-- materialized: table',
      '-- description: data-test fixture',
      ...tests.map((t) => `-- test: ${t}`),
      `select * from (values ${values}) as t(ticket_id, status, group_id, updated_at)`,
    ].join('\n'),
  );
}

const groups = "(10, 'L1'), (20, 'L2')";

async function build() {
  writeFileSync(
    join(world.modelsDir, 'marts', 'dim_groups_fixture.sql'),
    `-- materialized: table\n-- description: groups\nselect * from (values ${groups}) as g(group_id, name)\n`,
  );
  await runTransform({ engine: world.engine, store: world.store, runId: 'r', modelsDir: world.modelsDir });
}

const now = new Date('2026-01-10T12:00:00Z');
const ts = (iso: string) => `from_iso8601_timestamp('${iso}')`;

describe('runDataTests', () => {
  it('passes clean data on every kind of test', async () => {
    // Prepare
    await world.land('tickets', '2026-01-10', 'x', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-10T01:00:00Z' }),
      ticketRow({ ticket_id: 2, created_at: '2026-01-10T02:00:00Z' }),
    ]);
    writeModel(
      'fct_clean',
      [
        'unique(ticket_id)',
        'not_null(ticket_id, status)',
        'accepted_values(status: open, solved)',
        'relationships(group_id -> dim_groups_fixture.group_id)',
        'reconcile(landing_zendesk__tickets: ticket_id)',
        'freshness(updated_at, 24h)',
      ],
      `(1, 'open', 10, ${ts('2026-01-10T06:00:00Z')}), (2, 'solved', NULL, ${ts('2026-01-09T13:00:00Z')})`,
    );
    await build();
    // Act
    const report = await runDataTests({
      engine: world.engine,
      modelsDir: world.modelsDir,
      models: ['fct_clean'],
      now,
    });
    // Assess
    expect(report.results.map((r) => [r.test, r.status])).toEqual([
      ['unique(ticket_id)', 'pass'],
      ['not_null(ticket_id, status)', 'pass'],
      ['accepted_values(status: open, solved)', 'pass'],
      ['relationships(group_id -> dim_groups_fixture.group_id)', 'pass'],
      ['reconcile(landing_zendesk__tickets: ticket_id)', 'pass'],
      ['freshness(updated_at, 24h)', 'pass'],
    ]);
    expect(report.passed).toBe(true);
    expect(() => assertDataTestsPassed(report)).not.toThrow();
  });

  it('fails each kind of test on bad data and names the failing rows', async () => {
    // Prepare
    await world.land('tickets', '2026-01-10', 'x', [
      ticketRow({ ticket_id: 1, created_at: '2026-01-10T01:00:00Z' }),
      ticketRow({ ticket_id: 3, created_at: '2026-01-10T02:00:00Z' }),
    ]);
    writeModel(
      'fct_dirty',
      [
        'unique(ticket_id)',
        'not_null(status)',
        'accepted_values(status: open, solved)',
        'relationships(group_id -> dim_groups_fixture.group_id)',
        'reconcile(landing_zendesk__tickets: ticket_id)',
        'freshness(updated_at, 12h)',
      ],
      `(1, 'open', 10, ${ts('2026-01-09T06:00:00Z')}), (1, 'weird', 99, ${ts('2026-01-09T06:00:00Z')}), (2, NULL, 20, ${ts('2026-01-09T06:00:00Z')})`,
    );
    await build();
    // Act
    const report = await runDataTests({
      engine: world.engine,
      modelsDir: world.modelsDir,
      models: ['fct_dirty'],
      now,
    });
    // Assess
    const byKind = Object.fromEntries(report.results.map((r) => [r.kind, r]));
    expect(report.passed).toBe(false);
    expect(report.counts).toEqual({ pass: 0, fail: 6, error: 0 });
    expect(byKind.unique?.examples).toEqual([{ ticket_id: 1, copies: 2 }]);
    expect(byKind.not_null?.examples).toEqual([
      { ticket_id: 2, status: null, group_id: 20, updated_at: '2026-01-09T06:00:00.000Z' },
    ]);
    expect(byKind.accepted_values?.examples).toEqual([{ status: 'weird', row_count: 1 }]);
    expect(byKind.relationships?.examples).toEqual([{ group_id: 99 }]);
    expect(byKind.reconcile?.examples).toEqual(
      expect.arrayContaining([
        { problem: 'in landing, not in fct_dirty', ticket_id: 3 },
        { problem: 'in fct_dirty, not in landing', ticket_id: 2 },
      ]),
    );
    expect(byKind.freshness?.examples).toEqual([
      { newest: '2026-01-09T06:00:00.000Z', checked_at: now.toISOString() },
    ]);
    expect(() => assertDataTestsPassed(report)).toThrow(DataTestsFailedError);
    expect(() => assertDataTestsPassed(report)).toThrow(
      /fct_dirty unique\(ticket_id\) \(sql\/marts\/fct_dirty\.sql:3\): 1 failing/,
    );
  });

  it('reports a test that cannot run as an error, which also blocks publication', async () => {
    writeModel('fct_wrong', ['not_null(no_such_column)'], `(1, 'open', 10, ${ts('2026-01-10T06:00:00Z')})`);
    await build();
    const report = await runDataTests({
      engine: world.engine,
      modelsDir: world.modelsDir,
      models: ['fct_wrong'],
      now,
    });
    expect(report.results[0]).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/no_such_column/),
    });
    expect(report.passed).toBe(false);
  });
});
