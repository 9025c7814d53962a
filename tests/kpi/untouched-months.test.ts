import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, snapshotRow, solvedTicketRows, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * A run that changes only recent months leaves older months as they were (not recomputed), and the
 * marts still equal a full rebuild: a January ticket retained by a January trade; in March a new
 * ticket of another customer, a VIP change and a new trade of that customer.
 */
const MARTS = [
  'fct_tickets',
  'kpi_values',
  'kpi_scorecard',
  'backlog_daily',
  'agent_performance',
  'contact_reasons',
  'ticket_volume_hourly',
  'dim_customers',
];

let world: KpiWorld;
let lastRunMonths: readonly string[] = [];
const incremental = new Map<string, string[]>();
const rebuilt = new Map<string, string[]>();

const snapshot = (table: string) => tableSnapshot(world, table);

const solvedTicket = (
  id: number,
  requester: number,
  createdAt: string,
  repliedAt: string,
  solvedAt: string,
) => solvedTicketRows({ id, requester, agent: 201, assigned: false, createdAt, repliedAt, solvedAt });

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 — January and early March
  const jan = solvedTicket(1, 101, '2026-01-10T09:00:00Z', '2026-01-10T10:00:00Z', '2026-01-11T09:00:00Z');
  const mar = solvedTicket(2, 102, '2026-03-02T09:00:00Z', '2026-03-02T09:30:00Z', '2026-03-03T09:00:00Z');
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [userRow({ user_id: 101 }), userRow({ user_id: 102 }), userRow({ user_id: 201, role: 'agent' })],
    'extract-1',
  );
  await world.land('tickets', [jan.ticket, mar.ticket], 'extract-1');
  await world.land('ticket_events', [...jan.events, ...mar.events], 'extract-1');
  await world.land('comments', [...jan.comments, ...mar.comments], 'extract-1');
  await world.land(
    'contact_snapshots',
    [
      snapshotRow({
        contact_id: '1',
        customer_key: 'ck-101',
        valid_from: '2025-06-01T00:00:00Z',
        vip_tier: 'gold',
      }),
      snapshotRow({
        contact_id: '1',
        customer_key: 'ck-101',
        valid_from: '2026-01-20T12:00:05Z',
        vip_tier: 'gold',
        last_trade_at: '2026-01-20T12:00:00Z',
      }),
      snapshotRow({ contact_id: '2', customer_key: 'ck-102', valid_from: '2025-06-01T00:00:00Z' }),
    ],
    'extract-1',
  );
  await world.transform('2026-03-05T00:00:00Z');
  // Act: run 2 — a new March ticket of customer 102, who turned VIP and traded
  const late = solvedTicket(3, 102, '2026-03-20T09:00:00Z', '2026-03-20T09:20:00Z', '2026-03-20T12:00:00Z');
  await world.land('tickets', [late.ticket], 'extract-2');
  await world.land('ticket_events', late.events, 'extract-2');
  await world.land('comments', late.comments, 'extract-2');
  await world.land(
    'contact_snapshots',
    [
      snapshotRow({
        contact_id: '2',
        customer_key: 'ck-102',
        valid_from: '2026-03-19T00:00:00Z',
        vip_tier: 'gold',
      }),
      snapshotRow({
        contact_id: '2',
        customer_key: 'ck-102',
        valid_from: '2026-03-21T08:00:05Z',
        vip_tier: 'gold',
        last_trade_at: '2026-03-21T08:00:00Z',
      }),
    ],
    'extract-2',
  );
  const result = await world.transform('2026-03-22T00:00:00Z');
  lastRunMonths = result.models.find((m) => m.model === 'kpi_values')?.partitions ?? [];
  for (const table of MARTS) incremental.set(table, await snapshot(table));
  await world.transform('2026-03-22T00:00:00Z', { full: true });
  for (const table of MARTS) rebuilt.set(table, await snapshot(table));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a run that changes only March', () => {
  it('recomputes the KPI months it can change and leaves January untouched', () => {
    // Assess
    expect(lastRunMonths).toContain('2026-03');
    expect(lastRunMonths).not.toContain('2026-01');
  });

  it('gives the new ticket the VIP tier its customer held at creation, and counts both customers retained', async () => {
    // Assess
    const [ticket] = await world.query('select vip_tier from fct_tickets where ticket_id = 3');
    expect(ticket?.vip_tier).toBe('gold');
    const retention = await world.query(
      "select period_start, value from kpi_values where kpi = 'post_contact_retention_30d' and period_grain = 'month' and breakdown = 'overall' order by period_start",
    );
    expect(retention.map((r) => Number(r.value))).toEqual([1, 1]);
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    const full = rebuilt.get(table) ?? [];
    expect(full.length).toBeGreaterThan(0);
    expect(incremental.get(table)).toEqual(full);
  });
});
