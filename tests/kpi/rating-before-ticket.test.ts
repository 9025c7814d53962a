import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '#src/engines/query-engine.ts';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import {
  commentRow,
  groupRows,
  ratingRow,
  statusEvents,
  ticketRow,
  userRow,
} from '#tests/kpi/helpers/landing-rows.ts';

/*
 * Satisfaction ratings are stored by their ticket's created month. A rating that lands before its
 * ticket has no month yet; it must still count once its ticket arrives, and a later version of it
 * (now stored in the ticket's month) must replace it, not add a second rating. A February ticket's
 * rating rated in March still counts when a later run recomputes March only (the rating lives in
 * February's partition). Four incremental runs end equal to a full rebuild at the same now.
 */
const TABLES = ['fct_satisfaction_ratings', 'fct_tickets', 'kpi_values', 'kpi_scorecard'];
const AGENT = 201;

let world: KpiWorld;
const incremental = new Map<string, string[]>();
const rebuilt = new Map<string, string[]>();
let ratingsAfterTicket: Row[] = [];
let lastRunMonths: readonly string[] = [];

const snapshot = (table: string) => tableSnapshot(world, table);

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 — an older solved ticket, and the rating of ticket 2, which has not landed yet
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [
      userRow({ user_id: 101 }),
      userRow({ user_id: 102 }),
      userRow({ user_id: 104 }),
      userRow({ user_id: AGENT, role: 'agent' }),
    ],
    'extract-1',
  );
  await world.land(
    'tickets',
    [
      ticketRow({
        ticket_id: 1,
        requester_id: 101,
        created_at: '2026-02-02T09:00:00Z',
        updated_at: '2026-02-03T09:00:00Z',
        status: 'solved',
      }),
    ],
    'extract-1',
  );
  await world.land(
    'ticket_events',
    statusEvents(1, [
      ['2026-02-02T09:00:00Z', 'new'],
      ['2026-02-03T09:00:00Z', 'solved'],
    ]),
    'extract-1',
  );
  await world.land(
    'satisfaction_ratings',
    [ratingRow({ rating_id: 7, ticket_id: 2, score: 'offered', created_at: '2026-03-03T09:00:00Z' })],
    'extract-1',
  );
  await world.transform('2026-03-04T00:00:00Z');
  // Act: run 2 — the ticket arrives
  await world.land(
    'tickets',
    [
      ticketRow({
        ticket_id: 2,
        requester_id: 102,
        assignee_id: AGENT,
        created_at: '2026-03-01T09:00:00Z',
        updated_at: '2026-03-03T09:00:00Z',
        status: 'solved',
      }),
    ],
    'extract-2',
  );
  await world.land(
    'ticket_events',
    statusEvents(2, [
      ['2026-03-01T09:00:00Z', 'new'],
      ['2026-03-01T10:00:00Z', 'open'],
      ['2026-03-03T09:00:00Z', 'solved'],
    ]),
    'extract-2',
  );
  await world.land(
    'comments',
    [
      commentRow({ ticket_id: 2, author_id: 102, created_at: '2026-03-01T09:00:00Z' }),
      commentRow({ ticket_id: 2, author_id: AGENT, created_at: '2026-03-01T10:00:00Z' }),
    ],
    'extract-2',
  );
  await world.transform('2026-03-05T00:00:00Z');
  ratingsAfterTicket = await world.query(
    'select rating_id, is_offered, channel from fct_satisfaction_ratings',
  );
  // Act: run 3 — both customers rate in March: a newer version of rating 7, and rating 8 of the
  // February ticket (offered in February)
  await world.land(
    'satisfaction_ratings',
    [
      ratingRow({
        rating_id: 7,
        ticket_id: 2,
        score: 'good',
        created_at: '2026-03-03T09:00:00Z',
        updated_at: '2026-03-06T12:00:00Z',
      }),
      ratingRow({
        rating_id: 8,
        ticket_id: 1,
        score: 'bad',
        created_at: '2026-02-03T10:00:00Z',
        updated_at: '2026-03-06T13:00:00Z',
      }),
    ],
    'extract-3',
  );
  await world.transform('2026-03-07T00:00:00Z');
  // Act: run 4 — a new March ticket of another customer: March is recomputed, February is not
  await world.land(
    'tickets',
    [ticketRow({ ticket_id: 4, requester_id: 104, created_at: '2026-03-09T09:00:00Z' })],
    'extract-4',
  );
  await world.land('ticket_events', statusEvents(4, [['2026-03-09T09:00:00Z', 'new']]), 'extract-4');
  const result = await world.transform('2026-03-10T00:00:00Z');
  lastRunMonths = result.models.find((m) => m.model === 'kpi_values')?.partitions ?? [];
  for (const table of TABLES) incremental.set(table, await snapshot(table));
  await world.transform('2026-03-10T00:00:00Z', { full: true });
  for (const table of TABLES) rebuilt.set(table, await snapshot(table));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a rating that lands before its ticket', () => {
  it('joins its ticket once the ticket arrives', () => {
    // Assess
    expect(ratingsAfterTicket.map((r) => [Number(r.rating_id), r.is_offered, r.channel])).toEqual([
      [7, true, 'email'],
    ]);
  });

  it('is replaced by its later version, not counted twice', async () => {
    // Assess
    const ratings = await world.query(
      'select rating_id, csat_score from fct_satisfaction_ratings order by rating_id',
    );
    expect(ratings.map((r) => [Number(r.rating_id), Number(r.csat_score)])).toEqual([
      [7, 5],
      [8, 1],
    ]);
  });

  it('recomputes March and not February in the last run', () => {
    // Assess
    expect(lastRunMonths).toContain('2026-03');
    expect(lastRunMonths).not.toContain('2026-02');
  });

  it('counts in March both ratings rated in March, also the February ticket rating', async () => {
    // Assess
    const [csat] = await world.query(
      "select value, denominator from kpi_values where kpi = 'csat_rate' and period_grain = 'month' and period_start = date '2026-03-01' and breakdown = 'overall'",
    );
    expect([Number(csat?.value), Number(csat?.denominator)]).toEqual([0.5, 2]);
  });

  it.each(TABLES)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(incremental.get(table)).toEqual(rebuilt.get(table));
  });
});
