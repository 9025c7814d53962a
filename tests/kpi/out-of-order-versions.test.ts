import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, ratingRow, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * Versions of one entity can arrive out of order across runs (a look-back re-read, a retried page,
 * a late duplicate). The accumulated state must keep the newest version, whatever the arrival order.
 */
const T1 = '2026-03-02T10:00:00Z';
const T2 = '2026-03-02T12:00:00Z';
const T3 = '2026-03-03T09:00:00Z';

let world: KpiWorld;

/**
 * Each scenario runs every model twice over a few rows: seconds on an idle machine, up to half a
 * minute each when both cores are busy elsewhere.
 */
const twoTransformsMs = 2 * 60_000;

async function ticket(id: number) {
  const [row] = await world.query(
    `select status, priority, csat_score, is_solved from fct_tickets where ticket_id = ${id}`,
  );
  return row;
}

beforeAll(async () => {
  world = await createKpiWorld();
  await world.land('groups', groupRows());
  await world.land('users', [userRow({ user_id: 101 }), userRow({ user_id: 201, role: 'agent' })]);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe(
  'an older version landing in a later run',
  () => {
    it('leaves the newer ticket state in place', async () => {
      // Prepare: run 1 lands version 2 (solved, high)
      await world.land(
        'tickets',
        [ticketRow({ ticket_id: 1, created_at: T1, updated_at: T2, status: 'solved', priority: 'high' })],
        'extract-1',
      );
      await world.transform('2026-03-04T00:00:00Z');
      // Act: run 2 lands version 1 (open, normal), e.g. a look-back re-read of an old page
      await world.land(
        'tickets',
        [ticketRow({ ticket_id: 1, created_at: T1, updated_at: T1, status: 'open', priority: 'normal' })],
        'extract-2',
      );
      await world.transform('2026-03-05T00:00:00Z');
      // Assess
      expect(await ticket(1)).toMatchObject({ status: 'solved', priority: 'high', is_solved: true });
      const [state] = await world.query(
        'select status, generated_timestamp from int_tickets where ticket_id = 1',
      );
      expect(Number(state?.generated_timestamp)).toBe(Date.parse(T2) / 1000);
    });

    it('leaves the newer satisfaction rating in place', async () => {
      // Prepare: run 1 lands the rating as given (good)
      await world.land(
        'tickets',
        [ticketRow({ ticket_id: 2, created_at: T1, updated_at: T2, status: 'solved' })],
        'extract-3',
      );
      await world.land(
        'satisfaction_ratings',
        [ratingRow({ rating_id: 9, ticket_id: 2, score: 'good', created_at: T2, updated_at: T3 })],
        'extract-3',
      );
      await world.transform('2026-03-06T00:00:00Z');
      // Act: the earlier "offered" version arrives afterwards
      await world.land(
        'satisfaction_ratings',
        [ratingRow({ rating_id: 9, ticket_id: 2, score: 'offered', created_at: T2, updated_at: T2 })],
        'extract-4',
      );
      await world.transform('2026-03-07T00:00:00Z');
      // Assess
      expect(await ticket(2)).toMatchObject({ csat_score: 5 });
      const [kpi] = await world.query(
        "select value from kpi_values where kpi = 'csat_rate' and period_grain = 'day' and breakdown = 'overall' and period_start = date '2026-03-03'",
      );
      expect(kpi?.value).toBe(1);
    });
  },
  twoTransformsMs,
);

describe(
  'a newer version landing in a later run',
  () => {
    it('replaces the stored ticket state', async () => {
      // Prepare: ticket 1 holds version 2 (solved, high) from the runs above
      expect(await ticket(1)).toMatchObject({ status: 'solved' });
      // Act: run lands version 3 (reopened, urgent)
      await world.land(
        'tickets',
        [ticketRow({ ticket_id: 1, created_at: T1, updated_at: T3, status: 'open', priority: 'urgent' })],
        'extract-5',
      );
      await world.transform('2026-03-08T00:00:00Z');
      // Assess
      expect(await ticket(1)).toMatchObject({ status: 'open', priority: 'urgent', is_solved: false });
    });

    it('replaces an equal version re-read (the later run wins a tie)', async () => {
      // Act: the same version 3 read again, with a corrected priority
      await world.land(
        'tickets',
        [ticketRow({ ticket_id: 1, created_at: T1, updated_at: T3, status: 'open', priority: 'low' })],
        'extract-6',
      );
      await world.transform('2026-03-09T00:00:00Z');
      // Assess
      expect(await ticket(1)).toMatchObject({ priority: 'low' });
    });
  },
  twoTransformsMs,
);
