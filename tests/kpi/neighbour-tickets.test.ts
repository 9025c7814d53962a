import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransformResult } from '#src/models/run-transform.ts';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, ratingRow, solvedTicketRows, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * Which of a customer's other tickets a run recomputes. Repeat contacts and FCR read only when the
 * same customer's other tickets were created (and whether they are deleted), so only a new, deleted
 * or re-assigned ticket sends its neighbours back through fct_tickets; a rating or a status change
 * does not. Customer 101: ticket 1 solved on 30 January, ticket 2 created four days later (so 1 is no
 * FCR). Run 2 rates ticket 2: ticket 1 stays as it was. Run 3 deletes ticket 2: ticket 1 becomes an
 * FCR. Run 4 brings ticket 5, created three days after ticket 4 was solved, whose row arrives
 * without its Create event: ticket 4 is no FCR any more. Every mart equals a full rebuild each time.
 */
const MARTS = [
  'fct_tickets',
  'kpi_values',
  'kpi_scorecard',
  'backlog_daily',
  'agent_performance',
  'contact_reasons',
  'ticket_volume_hourly',
];
const AGENT = 201;

interface RunOutcome {
  readonly result: TransformResult;
  /** chg_affected_tickets right after the incremental run: id → whether its creation-dated KPIs can move. */
  readonly affected: Map<number, boolean>;
  readonly incremental: Map<string, string[]>;
  readonly rebuilt: Map<string, string[]>;
}

let world: KpiWorld;
let rated: RunOutcome;
let deleted: RunOutcome;
let arrived: RunOutcome;

const snapshot = (table: string) => tableSnapshot(world, table);

async function runAndRebuild(now: string): Promise<RunOutcome> {
  const result = await world.transform(now);
  const rows = await world.query('select ticket_id, moves_created from chg_affected_tickets');
  const affected = new Map(rows.map((r) => [Number(r.ticket_id), Boolean(r.moves_created)]));
  const incremental = new Map<string, string[]>();
  for (const table of MARTS) incremental.set(table, await snapshot(table));
  await world.transform(now, { full: true });
  const rebuilt = new Map<string, string[]>();
  for (const table of MARTS) rebuilt.set(table, await snapshot(table));
  return { result, affected, incremental, rebuilt };
}

async function isFcr(ticketId: number): Promise<unknown> {
  const [row] = await world.query(
    `select is_first_contact_resolution from fct_tickets where ticket_id = ${ticketId}`,
  );
  return row?.is_first_contact_resolution;
}

// Ticket 2 is created on a Tuesday, so nothing of it falls in January (nor does its week).
const solvedTicket = (id: number, createdAt: string, repliedAt: string, solvedAt: string) =>
  solvedTicketRows({ id, requester: 101, agent: AGENT, createdAt, repliedAt, solvedAt });
const first = solvedTicket(1, '2026-01-20T09:00:00Z', '2026-01-20T10:00:00Z', '2026-01-30T09:00:00Z');
const second = solvedTicket(2, '2026-02-03T10:00:00Z', '2026-02-03T11:00:00Z', '2026-02-05T09:00:00Z');
const fourth = solvedTicket(4, '2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z', '2026-03-03T09:00:00Z');
const fifth = solvedTicket(5, '2026-03-06T08:00:00Z', '2026-03-06T08:20:00Z', '2026-03-07T09:00:00Z');

let fcrBefore: unknown;

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 — tickets 1 and 2 of customer 101
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [userRow({ user_id: 101 }), userRow({ user_id: AGENT, role: 'agent' })],
    'extract-1',
  );
  await world.landTicket(first, 'extract-1');
  await world.landTicket(second, 'extract-1');
  await world.transform('2026-02-06T00:00:00Z');
  fcrBefore = await isFcr(1);
  // Act: run 2 — ticket 2 is rated, nothing else
  await world.land(
    'satisfaction_ratings',
    [ratingRow({ rating_id: 900, ticket_id: 2, score: 'good', created_at: '2026-02-10T09:00:00Z' })],
    'extract-2',
  );
  rated = await runAndRebuild('2026-02-20T00:00:00Z');
  // Act: run 3 — ticket 2 is deleted; ticket 4 arrives
  await world.land(
    'tickets',
    [{ ...second.ticket, status: 'deleted', is_deleted: true, updated_at: '2026-02-25T09:00:00Z' }],
    'extract-3',
  );
  await world.landTicket(fourth, 'extract-3');
  deleted = await runAndRebuild('2026-03-05T00:00:00Z');
  // Act: run 4 — ticket 5 arrives; its Create event came in no run
  await world.landTicket(
    { ...fifth, events: fifth.events.map((e) => ({ ...e, event_type: 'Change' })) },
    'extract-4',
  );
  arrived = await runAndRebuild('2026-03-12T00:00:00Z');
}, 180_000);

afterAll(async () => {
  await world?.close();
});

describe('a run that rates a ticket', () => {
  it('recomputes the rated ticket', () => {
    // Assess
    expect(rated.affected.get(2)).toBe(true);
  });

  it('recomputes no ticket volume (no ticket was created or deleted)', () => {
    // Assess
    const volume = rated.result.models.find((m) => m.model === 'ticket_volume_hourly');
    expect(volume?.partitions ?? []).toEqual([]);
  });

  it('leaves the same customer’s earlier ticket alone', () => {
    // Assess
    expect(fcrBefore).toBe(false);
    expect(rated.affected.has(1)).toBe(false);
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(rated.incremental.get(table)).toEqual(rated.rebuilt.get(table));
  });
});

describe('a run that deletes a ticket', () => {
  it('recomputes the ticket it was a repeat contact of, for its FCR only', () => {
    // Assess
    expect(deleted.affected.get(1)).toBe(false);
  });

  it('makes that ticket a first-contact resolution', async () => {
    // Assess
    expect(await isFcr(1)).toBe(true);
  });

  it('recomputes the month that ticket was solved in, which nothing else of the run touches', () => {
    // Assess
    const kv = deleted.result.models.find((m) => m.model === 'kpi_values');
    expect(kv?.partitions).toContain('2026-01');
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(deleted.incremental.get(table)).toEqual(deleted.rebuilt.get(table));
  });
});

describe('a run in which a new ticket’s row arrives without its Create event', () => {
  it('recomputes the same customer’s ticket solved three days before', () => {
    // Assess
    expect(arrived.affected.has(4)).toBe(true);
  });

  it('takes that ticket’s FCR away', async () => {
    // Assess
    expect(await isFcr(4)).toBe(false);
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(arrived.incremental.get(table)).toEqual(arrived.rebuilt.get(table));
  });
});
