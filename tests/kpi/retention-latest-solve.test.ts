import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '#src/engines/query-engine.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import {
  groupRows,
  snapshotRow,
  solvedTicketRows,
  ticketRow,
  userRow,
} from '#tests/kpi/helpers/landing-rows.ts';

/*
 * post_contact_retention_30d counts each customer once per period, from their latest solve in it
 * (KPIS.md, change of 2026-12-07). Week of Monday 2 March 2026 (UTC); trades from CRM versions.
 *   customer 101: chat ticket solved Mon 10:00, e-mail ticket solved Fri 10:00; traded Wed 12:00
 *                 → retained after Monday's solve, not after Friday's (the latest of the week)
 *   customer 102: tickets solved Mon and Tue; traded Thu → retained, counted once
 *   customer 103: solved Tue 12:00; traded exactly 30 days later → retained (the window's end is in)
 *   customer 104: solved Tue 12:00; traded 30 days and 1 s later → not retained
 *   customer 105: solved Tue 12:00; traded at that same second → not retained (after the solve only)
 */
const NOW = '2026-04-10T00:00:00Z';

function trade(customer: number, at: string, versionFrom: string) {
  return snapshotRow({
    contact_id: `c${customer}`,
    customer_key: `ck-${customer}`,
    valid_from: versionFrom,
    last_trade_at: at,
  });
}

function solved(id: number, requester: number, day: string, hour: string, channel = 'email') {
  const rows = solvedTicketRows({
    id,
    requester,
    agent: 201,
    createdAt: `${day}T${hour}:00:00Z`,
    repliedAt: `${day}T${hour}:05:00Z`,
    solvedAt: `${day}T${hour}:10:00Z`,
  });
  return {
    ...rows,
    ticket: ticketRow({
      ...rows.ticket,
      ticket_id: id,
      created_at: String(rows.ticket.created_at),
      via_channel: channel,
    }),
  };
}

let world: KpiWorld;

async function retention(grain: string, start: string, breakdown = 'overall', cell = 'all'): Promise<Row> {
  const rows = await world.query(
    `select numerator, denominator from kpi_values where kpi = 'post_contact_retention_30d'
     and period_grain = '${grain}' and period_start = date '${start}' and breakdown = '${breakdown}'
     and breakdown_value = '${cell}'`,
  );
  if (rows.length !== 1) throw new Error(`expected one row for ${grain} ${start} ${breakdown}=${cell}`);
  return rows[0]!;
}

beforeAll(async () => {
  // Prepare
  world = await createKpiWorld();
  await world.land('groups', groupRows());
  await world.land('users', [
    ...[101, 102, 103, 104, 105].map((id) => userRow({ user_id: id })),
    userRow({ user_id: 201, role: 'agent' }),
  ]);
  const tickets = [
    solved(1, 101, '2026-03-02', '09', 'chat'),
    solved(2, 101, '2026-03-06', '09'),
    solved(3, 102, '2026-03-02', '09'),
    solved(4, 102, '2026-03-03', '09'),
    solved(5, 103, '2026-03-03', '11'),
    solved(6, 104, '2026-03-03', '11'),
    solved(7, 105, '2026-03-03', '11'),
  ];
  for (const t of tickets) await world.landTicket(t, 'run-1');
  await world.land('contact_snapshots', [
    trade(101, '2026-03-04T12:00:00Z', '2026-03-04T12:00:00Z'),
    trade(102, '2026-03-05T12:00:00Z', '2026-03-05T12:00:00Z'),
    trade(103, '2026-04-02T11:10:00Z', '2026-04-02T11:10:00Z'),
    trade(104, '2026-04-02T11:10:01Z', '2026-04-02T11:10:01Z'),
    trade(105, '2026-03-03T11:10:00Z', '2026-03-03T11:10:00Z'),
  ]);
  // Act
  await world.transform(NOW);
});

afterAll(async () => {
  await world?.close();
});

describe('post-contact retention over a period', () => {
  it('counts each customer once, judged from their latest solve in the period', async () => {
    // 5 customers; retained: 102 and 103 (101 traded only before its latest solve)
    expect(await retention('week', '2026-03-02')).toMatchObject({ numerator: 2, denominator: 5 });
    expect(await retention('month', '2026-03-01')).toMatchObject({ numerator: 2, denominator: 5 });
  });

  it('judges a day on the solves of that day only', async () => {
    // Monday: 101 (traded Wednesday, after Monday's solve) and 102 (traded Thursday)
    expect(await retention('day', '2026-03-02')).toMatchObject({ numerator: 2, denominator: 2 });
    // Friday: 101's latest solve, no trade after it
    expect(await retention('day', '2026-03-06')).toMatchObject({ numerator: 0, denominator: 1 });
  });

  it('includes a trade exactly 30 days after the solve and excludes one at the solve itself', async () => {
    // Tuesday: 102 (traded Thursday), 103 (30 days to the second), 104 (one second more), 105 (same second)
    expect(await retention('day', '2026-03-03')).toMatchObject({ numerator: 2, denominator: 4 });
  });

  it("judges a breakdown cell's customers on their tickets of that cell", async () => {
    // 101's chat ticket (Monday) is followed by the trade; its e-mail ticket (Friday) is not.
    expect(await retention('week', '2026-03-02', 'channel', 'chat')).toMatchObject({
      numerator: 1,
      denominator: 1,
    });
    expect(await retention('week', '2026-03-02', 'channel', 'email')).toMatchObject({
      numerator: 2,
      denominator: 5,
    });
  });
});
