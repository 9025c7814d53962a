import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, statusEvents, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * backlog_daily reads only the status changes that can reach the days it recomputes. Tickets whose
 * last change is months before those days must still count as their whole log says: ticket 1 was
 * left open in December (its row already says solved, the solve not logged), ticket 3's row says
 * open but its log ends solved, ticket 4 is open by both. A March run recomputes February and
 * March only and equals a full rebuild at the same now.
 */
const TABLES = ['backlog_daily', 'kpi_values'];

let world: KpiWorld;
let backlogMonths: readonly string[] = [];
const incremental = new Map<string, string[]>();
const rebuilt = new Map<string, string[]>();

const snapshot = (table: string) => tableSnapshot(world, table);

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 on 3 February — three December tickets
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [101, 102, 103, 104].map((id) => userRow({ user_id: id })),
    'extract-1',
  );
  await world.land(
    'tickets',
    [
      ticketRow({
        ticket_id: 1,
        requester_id: 101,
        created_at: '2025-12-05T09:00:00Z',
        updated_at: '2025-12-08T09:00:00Z',
        status: 'solved',
      }),
      ticketRow({
        ticket_id: 3,
        requester_id: 103,
        created_at: '2025-12-06T09:00:00Z',
        updated_at: '2025-12-09T09:00:00Z',
        status: 'open',
      }),
      ticketRow({
        ticket_id: 4,
        requester_id: 104,
        created_at: '2025-12-07T09:00:00Z',
        updated_at: '2025-12-07T10:00:00Z',
        status: 'open',
      }),
    ],
    'extract-1',
  );
  await world.land(
    'ticket_events',
    [
      ...statusEvents(1, [
        ['2025-12-05T09:00:00Z', 'new'],
        ['2025-12-05T10:00:00Z', 'open'],
      ]),
      ...statusEvents(3, [
        ['2025-12-06T09:00:00Z', 'new'],
        ['2025-12-07T09:00:00Z', 'solved'],
      ]),
      ...statusEvents(4, [
        ['2025-12-07T09:00:00Z', 'new'],
        ['2025-12-07T10:00:00Z', 'open'],
      ]),
    ],
    'extract-1',
  );
  await world.transform('2026-02-03T00:00:00Z');
  // Act: run 2 — a new March ticket
  await world.land(
    'tickets',
    [ticketRow({ ticket_id: 2, requester_id: 102, created_at: '2026-03-09T09:00:00Z', status: 'new' })],
    'extract-2',
  );
  await world.land('ticket_events', statusEvents(2, [['2026-03-09T09:00:00Z', 'new']]), 'extract-2');
  const result = await world.transform('2026-03-10T00:00:00Z');
  backlogMonths = result.models.find((m) => m.model === 'backlog_daily')?.partitions ?? [];
  for (const table of TABLES) incremental.set(table, await snapshot(table));
  await world.transform('2026-03-10T00:00:00Z', { full: true });
  for (const table of TABLES) rebuilt.set(table, await snapshot(table));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a backlog run after tickets left open months before', () => {
  it('recomputes February and March only', () => {
    // Assess
    expect([...backlogMonths].sort()).toEqual(['2026-02', '2026-03']);
  });

  it('counts the tickets open by their log, not the one whose log ends solved', async () => {
    // Assess
    const [day] = await world.query(
      "select backlog_open from backlog_daily where day_date = date '2026-03-09' and breakdown = 'overall'",
    );
    expect(Number(day?.backlog_open)).toBe(3);
  });

  it.each(TABLES)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(incremental.get(table)).toEqual(rebuilt.get(table));
  });
});
