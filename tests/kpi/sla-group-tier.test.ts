import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import type { Row } from '#src/engines/query-engine.ts';
import { ConfigError } from '#src/shared/config-error.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { group, groupEvents, groupRows, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * SLA rules may match on the tier of the ticket's group at creation (KPIS.md, change of 2026-12-07).
 * Rules, in order: created at the VIP desk; created in an L2 group and urgent; everything else.
 * E-mail tickets created Monday 2 March 2026 10:00:
 *   1  created at the VIP desk, then transferred to L2     → vip_created (tier at creation, not now)
 *   2  created in L1, then transferred to the VIP desk     → standard
 *   3  no group history, at the VIP desk                   → vip_created (its group taken as set at creation)
 *   4  created in L2 Payments, urgent                      → l2_urgent (both conditions)
 *   5  created in L2 Payments, normal priority             → standard (only one condition)
 *   6  created in a group without a configured tier (L1)  → standard
 */
const H = 3600;
const CREATED = '2026-03-02T10:00:00Z';
const policies = [
  { name: 'vip_created', groupTiers: ['VIP'], firstReplyTargetS: 0.5 * H, resolutionTargetS: 4 * H },
  {
    name: 'l2_urgent',
    groupTiers: ['L2'],
    priorities: ['urgent'],
    firstReplyTargetS: 1 * H,
    resolutionTargetS: 8 * H,
  },
  { name: 'standard', firstReplyTargetS: 4 * H, resolutionTargetS: 48 * H },
];

let world: KpiWorld;
let facts: Map<number, Row>;

beforeAll(async () => {
  // Prepare
  world = await createKpiWorld({ sla: { policies } });
  await world.land('groups', [
    ...groupRows(),
    {
      group_id: 999,
      name: 'Unconfigured',
      is_deleted: false,
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-01T00:00:00Z',
    },
  ]);
  await world.land('users', [userRow({ user_id: 101 })]);
  await world.land('tickets', [
    ticketRow({ ticket_id: 1, created_at: CREATED, group_id: group.l2 }),
    ticketRow({ ticket_id: 2, created_at: CREATED, group_id: group.vip }),
    ticketRow({ ticket_id: 3, created_at: CREATED, group_id: group.vip }),
    ticketRow({ ticket_id: 4, created_at: CREATED, group_id: group.l2Payments, priority: 'urgent' }),
    ticketRow({ ticket_id: 5, created_at: CREATED, group_id: group.l2Payments }),
    ticketRow({ ticket_id: 6, created_at: CREATED, group_id: 999 }),
  ]);
  await world.land('ticket_events', [
    ...groupEvents(1, [
      [CREATED, group.vip],
      ['2026-03-02T10:20:00Z', group.l2],
    ]),
    ...groupEvents(2, [
      [CREATED, group.l1],
      ['2026-03-02T10:20:00Z', group.vip],
    ]),
    ...groupEvents(4, [[CREATED, group.l2Payments]]),
    ...groupEvents(5, [[CREATED, group.l2Payments]]),
    ...groupEvents(6, [[CREATED, 999]]),
  ]);
  // Act
  await world.transform('2026-03-03T00:00:00Z');
  const rows = await world.query(
    'select ticket_id, sla_policy, sla_first_reply_target_s, group_tier, created_group_tier from fct_tickets',
  );
  facts = new Map(rows.map((r) => [Number(r.ticket_id), r]));
});

afterAll(async () => {
  await world?.close();
});

describe('an SLA rule on the group tier at creation', () => {
  it('matches the tier a ticket was created in, not the one it was transferred to', () => {
    expect(facts.get(1)).toMatchObject({
      sla_policy: 'vip_created',
      sla_first_reply_target_s: 0.5 * H,
      created_group_tier: 'VIP',
      group_tier: 'L2',
    });
    expect(facts.get(2)).toMatchObject({
      sla_policy: 'standard',
      created_group_tier: 'L1',
      group_tier: 'VIP',
    });
  });

  it('takes the current group as the one at creation when no group change was logged', () => {
    expect(facts.get(3)).toMatchObject({ sla_policy: 'vip_created', created_group_tier: 'VIP' });
  });

  it('needs every condition of the rule to match', () => {
    expect(facts.get(4)).toMatchObject({ sla_policy: 'l2_urgent', sla_first_reply_target_s: 1 * H });
    expect(facts.get(5)).toMatchObject({ sla_policy: 'standard', created_group_tier: 'L2' });
  });

  it('treats a group without a configured tier as L1', () => {
    expect(facts.get(6)).toMatchObject({ sla_policy: 'standard', created_group_tier: 'L1' });
  });
});

describe('the SLA configuration', () => {
  it('refuses a group tier that does not exist, naming the field', () => {
    const act = () =>
      parseConfig({ sla: { policies: [{ ...policies[0], groupTiers: ['L4'] }, policies[2]] } });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/sla\.policies\.0\.groupTiers\.0/);
  });
});
