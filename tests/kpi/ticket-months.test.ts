import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import { commentRow, groupRows, solvedTicketRows, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * Runs find tickets by id through chg_ticket_months (each creation month's id range) instead of
 * reading the whole ticket index. Desk ids grow with creation, but an imported ticket carries an old
 * creation with a new id: ticket 30 is created in January after ticket 20 of February. A late agent
 * reply to it must still reach its January row, and every mart equal a full rebuild.
 */
const MARTS = ['fct_tickets', 'kpi_values', 'backlog_daily', 'agent_performance', 'contact_reasons'];
const AGENT = 201;

let world: KpiWorld;
const incremental = new Map<string, string[]>();
const rebuilt = new Map<string, string[]>();
let firstReplyAfterRun: number;
const fullRefreshMonths = new Map<string, readonly string[]>();

const solvedTicket = (
  id: number,
  requester: number,
  createdAt: string,
  repliedAt: string,
  solvedAt: string,
) => solvedTicketRows({ id, requester, agent: AGENT, createdAt, repliedAt, solvedAt });

const tickets = [
  solvedTicket(10, 101, '2026-01-05T09:00:00Z', '2026-01-05T12:00:00Z', '2026-01-06T09:00:00Z'),
  solvedTicket(20, 102, '2026-02-05T09:00:00Z', '2026-02-05T10:00:00Z', '2026-02-06T09:00:00Z'),
  solvedTicket(30, 103, '2026-01-20T09:00:00Z', '2026-01-20T13:00:00Z', '2026-01-21T09:00:00Z'),
];

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 — three solved tickets, the imported one last
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [101, 102, 103].map((id) => userRow({ user_id: id })).concat(userRow({ user_id: AGENT, role: 'agent' })),
    'extract-1',
  );
  await world.land(
    'tickets',
    tickets.map((t) => t.ticket),
    'extract-1',
  );
  // Their audits came without Create events (as imported tickets' do): only a full refresh tells
  // a run that every ticket counts.
  await world.land(
    'ticket_events',
    tickets.flatMap((t) => t.events.map((e) => ({ ...e, event_type: 'Change' }))),
    'extract-1',
  );
  await world.land(
    'comments',
    tickets.flatMap((t) => t.comments),
    'extract-1',
  );
  await world.transform('2026-02-10T00:00:00Z');
  // Act: run 2 — an agent reply to ticket 30 made before the known one arrives late
  await world.land(
    'comments',
    [commentRow({ ticket_id: 30, author_id: AGENT, created_at: '2026-01-20T09:30:00Z' })],
    'extract-2',
  );
  await world.transform('2026-02-20T00:00:00Z');
  const [row] = await world.query('select first_reply_time_s from fct_tickets where ticket_id = 30');
  firstReplyAfterRun = Number(row?.first_reply_time_s);
  for (const table of MARTS) incremental.set(table, await tableSnapshot(world, table));
  const full = await world.transform('2026-02-20T00:00:00Z', { full: true });
  for (const m of full.models) if (m.partitions) fullRefreshMonths.set(m.model, m.partitions);
  for (const table of MARTS) rebuilt.set(table, await tableSnapshot(world, table));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a late reply to a ticket imported with an older creation than its id', () => {
  it('keeps each creation month’s id range, the imported ticket widening January', async () => {
    // Assess
    const rows = await world.query(
      'select created_month_utc, min_ticket_id, max_ticket_id, open_tickets from chg_ticket_months order by 1',
    );
    expect(rows.map((r) => [r.created_month_utc, Number(r.min_ticket_id), Number(r.max_ticket_id)])).toEqual([
      ['2026-01', 10, 30],
      ['2026-02', 20, 20],
    ]);
  });

  it('moves the ticket’s first reply to the late reply', async () => {
    // Assess
    expect(firstReplyAfterRun).toBe(30 * 60);
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(incremental.get(table)).toEqual(rebuilt.get(table));
  });
});

describe('a full refresh after incremental runs', () => {
  it.each(['ticket_volume_hourly', 'contact_reasons', 'kpi_values'])(
    'recomputes every month of %s, not only those of new tickets',
    (model) => {
      // Assess
      expect(fullRefreshMonths.get(model)).toEqual(expect.arrayContaining(['2026-01', '2026-02']));
    },
  );
});
