import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '#src/engines/query-engine.ts';
import { runDataTests } from '#src/models/run-data-tests.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import {
  commentRow,
  eventRow,
  group,
  groupEvents,
  groupRows,
  ratingRow,
  sentimentRow,
  snapshotRow,
  statusEvents,
  ticketRow,
  userRow,
} from '#tests/kpi/helpers/landing-rows.ts';

// Users: end users 101–106, human agents 201–202, a bot the source flags (301) and a bot only the
// configuration names (302, an ordinary agent account in the source).
const NOW = '2026-03-10T00:00:00Z';
const H = 3600;

let world: KpiWorld;
let tickets: Map<number, Row>;

async function landScenarios(w: KpiWorld): Promise<void> {
  await w.land('groups', groupRows());
  await w.land('users', [
    ...[101, 102, 103, 104, 105, 106].map((id) => userRow({ user_id: id })),
    userRow({ user_id: 201, role: 'agent' }),
    userRow({ user_id: 202, role: 'admin' }),
    userRow({ user_id: 301, role: 'agent', is_bot: true }),
    userRow({ user_id: 302, role: 'agent' }),
  ]);
  await w.land('contact_snapshots', [
    snapshotRow({
      contact_id: 'c106',
      customer_key: 'ck-106',
      valid_from: '2025-01-01T00:00:00Z',
      vip_tier: 'none',
    }),
    snapshotRow({
      contact_id: 'c106',
      customer_key: 'ck-106',
      valid_from: '2026-03-01T00:00:00Z',
      vip_tier: 'gold',
    }),
  ]);

  // 1. Agent-created ticket: the agent's opening comment is not a reply.
  await w.land('tickets', [
    ticketRow({ ticket_id: 1, created_at: '2026-03-02T10:00:00Z', submitter_id: 201, status: 'solved' }),
  ]);
  await w.land('comments', [
    commentRow({ ticket_id: 1, author_id: 201, created_at: '2026-03-02T10:00:00Z' }),
    commentRow({ ticket_id: 1, author_id: 101, created_at: '2026-03-02T10:30:00Z' }),
    commentRow({ ticket_id: 1, author_id: 201, created_at: '2026-03-02T11:00:00Z' }),
    commentRow({ ticket_id: 1, author_id: 201, created_at: '2026-03-02T11:05:00Z', is_public: false }),
    commentRow({ ticket_id: 1, author_id: 101, created_at: '2026-03-02T11:10:00Z' }),
    commentRow({ ticket_id: 1, author_id: 101, created_at: '2026-03-02T11:20:00Z' }),
    commentRow({ ticket_id: 1, author_id: 202, created_at: '2026-03-02T12:00:00Z' }),
  ]);
  await w.land(
    'ticket_events',
    statusEvents(1, [
      ['2026-03-02T10:00:00Z', 'open'],
      ['2026-03-02T12:00:00Z', 'solved'],
    ]),
  );

  // 2. Bot-only chat: two bots answer, no human ever does.
  await w.land('tickets', [
    ticketRow({
      ticket_id: 2,
      created_at: '2026-03-02T09:00:00Z',
      requester_id: 102,
      via_channel: 'chat',
      group_id: group.bot,
      status: 'solved',
    }),
  ]);
  await w.land('comments', [
    commentRow({ ticket_id: 2, author_id: 102, created_at: '2026-03-02T09:00:00Z' }),
    commentRow({ ticket_id: 2, author_id: 301, created_at: '2026-03-02T09:00:20Z' }),
    commentRow({ ticket_id: 2, author_id: 102, created_at: '2026-03-02T09:01:00Z' }),
    commentRow({ ticket_id: 2, author_id: 302, created_at: '2026-03-02T09:01:30Z' }),
  ]);
  await w.land(
    'ticket_events',
    statusEvents(2, [
      ['2026-03-02T09:00:00Z', 'new'],
      ['2026-03-02T09:05:00Z', 'solved'],
    ]),
  );

  // 3. Reopened after a solve and after a close.
  await w.land('tickets', [
    ticketRow({ ticket_id: 3, created_at: '2026-03-02T10:00:00Z', status: 'solved' }),
  ]);
  await w.land(
    'ticket_events',
    statusEvents(3, [
      ['2026-03-02T10:00:00Z', 'new'],
      ['2026-03-02T10:10:00Z', 'open'],
      ['2026-03-02T11:00:00Z', 'solved'],
      ['2026-03-02T12:00:00Z', 'open'],
      ['2026-03-02T13:00:00Z', 'solved'],
      ['2026-03-02T14:00:00Z', 'closed'],
      ['2026-03-02T15:00:00Z', 'open'],
      ['2026-03-02T16:00:00Z', 'solved'],
    ]),
  );

  // 4. Pending and hold cycles.
  await w.land('tickets', [
    ticketRow({ ticket_id: 4, created_at: '2026-03-02T10:00:00Z', status: 'solved' }),
  ]);
  await w.land(
    'ticket_events',
    statusEvents(4, [
      ['2026-03-02T10:00:00Z', 'open'],
      ['2026-03-02T10:30:00Z', 'pending'],
      ['2026-03-02T11:30:00Z', 'open'],
      ['2026-03-02T12:00:00Z', 'hold'],
      ['2026-03-02T13:00:00Z', 'open'],
      ['2026-03-02T13:30:00Z', 'pending'],
      ['2026-03-02T14:00:00Z', 'solved'],
    ]),
  );

  // 5. Group transfers with two escalations; assignee changes after the first assignment.
  await w.land('tickets', [
    ticketRow({ ticket_id: 5, created_at: '2026-03-02T10:00:00Z', group_id: group.l3 }),
  ]);
  await w.land('ticket_events', [
    ...groupEvents(
      5,
      [
        ['2026-03-02T10:00:00Z', group.l1],
        ['2026-03-02T10:10:00Z', group.l2],
        ['2026-03-02T10:20:00Z', group.l2Payments],
        ['2026-03-02T10:30:00Z', group.l1],
        ['2026-03-02T10:40:00Z', group.l3],
      ],
      201,
    ),
    eventRow({
      ticket_id: 5,
      created_at: '2026-03-02T10:00:00Z',
      field_name: 'assignee_id',
      value: null,
      event_type: 'Create',
    }),
    eventRow({ ticket_id: 5, created_at: '2026-03-02T10:05:00Z', field_name: 'assignee_id', value: '201' }),
    eventRow({ ticket_id: 5, created_at: '2026-03-02T10:15:00Z', field_name: 'assignee_id', value: '202' }),
    eventRow({ ticket_id: 5, created_at: '2026-03-02T10:25:00Z', field_name: 'assignee_id', value: null }),
    eventRow({ ticket_id: 5, created_at: '2026-03-02T10:35:00Z', field_name: 'assignee_id', value: '201' }),
  ]);

  // 6. L3 Engineering → L3 Security: no tier rise, but a move into the security group.
  // 7. VIP desk → L2: a rise from the front line. 8. Bot → L1: a transfer within the front line.
  await w.land('tickets', [
    ticketRow({ ticket_id: 6, created_at: '2026-03-02T10:00:00Z', group_id: group.security }),
    ticketRow({ ticket_id: 7, created_at: '2026-03-02T10:00:00Z', group_id: group.l2 }),
    ticketRow({ ticket_id: 8, created_at: '2026-03-02T10:00:00Z', group_id: group.l1 }),
  ]);
  await w.land('ticket_events', [
    ...groupEvents(6, [
      ['2026-03-02T10:00:00Z', group.l3],
      ['2026-03-02T11:00:00Z', group.security],
    ]),
    ...groupEvents(7, [
      ['2026-03-02T10:00:00Z', group.vip],
      ['2026-03-02T10:30:00Z', group.l2],
    ]),
    ...groupEvents(8, [
      ['2026-03-02T10:00:00Z', group.bot],
      ['2026-03-02T10:30:00Z', group.l1],
    ]),
  ]);

  // 9–12. Repeat contacts of customer 103: B 23:59:59 after A (inside 24 h), C 24:00:01 after B
  // (outside), D deleted (an hour before C, ignored). A is one-touch but B follows its solve: no FCR.
  // 13. Customer 104's one-touch ticket with no later contact: FCR.
  const a = { requester_id: 103, status: 'solved' };
  await w.land('tickets', [
    ticketRow({ ticket_id: 9, created_at: '2026-03-03T10:00:00Z', ...a }),
    ticketRow({ ticket_id: 10, created_at: '2026-03-04T09:59:59Z', requester_id: 103 }),
    ticketRow({ ticket_id: 11, created_at: '2026-03-05T10:00:00Z', requester_id: 103 }),
    ticketRow({
      ticket_id: 12,
      created_at: '2026-03-05T09:00:00Z',
      requester_id: 103,
      is_deleted: true,
      status: 'deleted',
    }),
    ticketRow({ ticket_id: 13, created_at: '2026-03-03T10:00:00Z', requester_id: 104, status: 'solved' }),
  ]);
  for (const id of [9, 13]) {
    const requester = id === 9 ? 103 : 104;
    await w.land('comments', [
      commentRow({ ticket_id: id, author_id: requester, created_at: '2026-03-03T10:00:00Z' }),
      commentRow({ ticket_id: id, author_id: 201, created_at: '2026-03-03T10:20:00Z' }),
    ]);
    await w.land(
      'ticket_events',
      statusEvents(id, [
        ['2026-03-03T10:00:00Z', 'new'],
        ['2026-03-03T10:30:00Z', 'solved'],
      ]),
    );
  }

  // 14–16. SLA against now (2026-03-10 00:00, standard policy: first reply 4 h, resolution 48 h).
  await w.land('tickets', [
    ticketRow({ ticket_id: 14, created_at: '2026-03-09T22:00:00Z', requester_id: 105 }),
    ticketRow({ ticket_id: 15, created_at: '2026-03-09T18:00:00Z', requester_id: 105 }),
    ticketRow({ ticket_id: 16, created_at: '2026-03-07T12:00:00Z', requester_id: 105 }),
  ]);
  await w.land('comments', [
    commentRow({ ticket_id: 16, author_id: 105, created_at: '2026-03-07T12:00:00Z' }),
    commentRow({ ticket_id: 16, author_id: 201, created_at: '2026-03-07T17:00:00Z' }),
  ]);

  // 17. VIP (gold since 1 March) on the London business-hours desk: Friday 17:30 → Monday 09:30
  // (GMT) is 30 + 30 open minutes. 18. The same across the change to BST: Friday 16:00 GMT →
  // Monday 08:30 UTC = 09:30 BST is 2 h + 30 min.
  // 19. The same customer's ticket before the upgrade had tier none (standard policy).
  await w.land('tickets', [
    ticketRow({ ticket_id: 17, created_at: '2026-03-06T17:30:00Z', requester_id: 106, status: 'open' }),
    ticketRow({ ticket_id: 18, created_at: '2026-03-27T16:00:00Z', requester_id: 106, status: 'open' }),
    ticketRow({ ticket_id: 19, created_at: '2026-02-20T10:00:00Z', requester_id: 106, status: 'open' }),
  ]);
  await w.land('comments', [
    commentRow({ ticket_id: 17, author_id: 106, created_at: '2026-03-06T17:30:00Z' }),
    commentRow({ ticket_id: 17, author_id: 201, created_at: '2026-03-09T09:30:00Z' }),
    commentRow({ ticket_id: 18, author_id: 106, created_at: '2026-03-27T16:00:00Z' }),
    commentRow({ ticket_id: 18, author_id: 201, created_at: '2026-03-30T08:30:00Z' }),
  ]);

  // 20. CSAT and sentiment: an answered "bad" later changed to "good"; two customer messages.
  await w.land('tickets', [
    ticketRow({ ticket_id: 20, created_at: '2026-03-02T10:00:00Z', status: 'solved' }),
  ]);
  const first = commentRow({ ticket_id: 20, author_id: 101, created_at: '2026-03-02T10:00:00Z' });
  const last = commentRow({ ticket_id: 20, author_id: 101, created_at: '2026-03-02T11:00:00Z' });
  await w.land('comments', [first, last]);
  await w.land('comment_sentiment', [
    sentimentRow({ comment_id: Number(first.comment_id), ticket_id: 20, sentiment_score: -0.6 }),
    sentimentRow({ comment_id: Number(last.comment_id), ticket_id: 20, sentiment_score: 0.4 }),
  ]);
  await w.land('satisfaction_ratings', [
    ratingRow({ rating_id: 1, ticket_id: 20, score: 'good', created_at: '2026-03-02T12:00:00Z' }),
    ratingRow({ rating_id: 2, ticket_id: 1, score: 'offered', created_at: '2026-03-02T12:00:00Z' }),
    ratingRow({ rating_id: 3, ticket_id: 3, score: '4', created_at: '2026-03-02T17:00:00Z' }),
  ]);
}

beforeAll(async () => {
  world = await createKpiWorld({ desk: { botUserIds: [302] } });
  await landScenarios(world);
  await world.transform(NOW);
  tickets = new Map((await world.query('select * from fct_tickets')).map((r) => [Number(r.ticket_id), r]));
});

afterAll(async () => {
  await world?.close();
});

function ticket(id: number): Row {
  const row = tickets.get(id);
  if (!row) throw new Error(`ticket ${id} is not in fct_tickets`);
  return row;
}

describe('fct_tickets', () => {
  it('keeps one row per ticket, deleted tickets included and flagged', () => {
    // Assess
    expect(tickets.size).toBe(20);
    expect(ticket(12).is_deleted).toBe(true);
    expect(ticket(9).is_deleted).toBe(false);
  });

  it('takes the second public agent comment as the first reply of an agent-created ticket', () => {
    // Assess: opening 10:00 by the agent, first reply 11:00; the private note is no reply.
    const t = ticket(1);
    expect(t.is_agent_created).toBe(true);
    expect(t.first_reply_at).toBe('2026-03-02T11:00:00.000Z');
    expect(t.first_reply_time_s).toBe(H);
    expect(t.first_response_time_s).toBe(H);
    expect(t.agent_reply_count).toBe(2);
    expect(t.customer_message_count).toBe(3);
  });

  it('measures every customer wait up to the next public agent reply', () => {
    // Assess: 10:30 → 11:00 (30 min) and 11:10 → 12:00 (50 min; 11:20 is the same wait).
    const t = ticket(1);
    expect(t.reply_wait_count).toBe(2);
    expect(t.total_reply_wait_s).toBe(30 * 60 + 50 * 60);
  });

  it('counts a bot answer as a response but not as a reply, and a bot-only solve as contained', () => {
    // Assess: bot answered after 20 s (flagged bot) and 90 s (configured bot); no human.
    const t = ticket(2);
    expect(t.channel).toBe('chat');
    expect(t.first_response_time_s).toBe(20);
    expect(t.first_reply_at).toBeNull();
    expect(t.first_reply_time_s).toBeNull();
    expect(t.agent_reply_count).toBe(0);
    expect(t.is_bot_handled).toBe(true);
    expect(t.is_bot_contained).toBe(true);
    expect(t.reply_wait_count).toBe(0);
    expect(t.group_tier).toBe('BOT');
  });

  it('counts reopens after a solve and after a close, and first and last solves', () => {
    const t = ticket(3);
    expect(t.reopen_count).toBe(2);
    expect(t.first_solved_at).toBe('2026-03-02T11:00:00.000Z');
    expect(t.last_solved_at).toBe('2026-03-02T16:00:00.000Z');
    expect(t.first_resolution_time_s).toBe(H);
    expect(t.full_resolution_time_s).toBe(6 * H);
    // new 10 min + open 50 min + open 1 h + open 1 h; solved → closed is no new solve
    expect(t.agent_work_time_s).toBe(600 + 3000 + H + H);
    expect(t.requester_wait_time_s).toBe(600 + 3000 + H + H);
    expect(t.is_one_touch).toBe(false);
  });

  it('splits time into open, pending and hold cycles', () => {
    const t = ticket(4);
    expect(t.agent_work_time_s).toBe(30 * 60 * 3);
    expect(t.pending_time_s).toBe(H + 30 * 60);
    expect(t.on_hold_time_s).toBe(H);
    expect(t.requester_wait_time_s).toBe(30 * 60 * 3 + H);
  });

  it('counts group transfers and escalates on the first tier rise', () => {
    const t = ticket(5);
    expect(t.group_transfer_count).toBe(4);
    expect(t.is_escalated).toBe(true);
    expect(t.escalated_at).toBe('2026-03-02T10:10:00.000Z');
    expect(t.escalation_time_s).toBe(600);
    expect(t.max_tier).toBe('L3');
    expect(t.escalated_by_id).toBe(201);
    // 201 (first assignment) → 202 → none → 201
    expect(t.assignee_change_count).toBe(3);
  });

  it('escalates a move into the security group and from the VIP desk to L2, not bot → L1', () => {
    expect(ticket(6).is_escalated).toBe(true);
    expect(ticket(6).escalation_time_s).toBe(H);
    expect(ticket(7).is_escalated).toBe(true);
    expect(ticket(7).escalation_time_s).toBe(30 * 60);
    expect(ticket(7).group_transfer_count).toBe(1);
    expect(ticket(8).is_escalated).toBe(false);
    expect(ticket(8).group_transfer_count).toBe(1);
  });

  it('finds repeat contacts just inside 24 h, not just outside, ignoring deleted tickets', () => {
    expect(ticket(9).is_repeat_contact_24h).toBe(false);
    expect(ticket(10).is_repeat_contact_24h).toBe(true);
    expect(ticket(11).is_repeat_contact_24h).toBe(false);
    expect(ticket(11).is_repeat_contact_7d).toBe(true);
  });

  it('resolves at first contact only without a contact in the 7 days after the solve', () => {
    expect(ticket(9).is_one_touch).toBe(true);
    expect(ticket(9).is_first_contact_resolution).toBe(false);
    expect(ticket(13).is_one_touch).toBe(true);
    expect(ticket(13).is_first_contact_resolution).toBe(true);
  });

  it('keeps an SLA target pending until it passes and breaches it after', () => {
    expect(ticket(14).sla_policy).toBe('standard');
    expect(ticket(14).sla_first_reply_status).toBe('pending');
    expect(ticket(15).sla_first_reply_status).toBe('breached');
    expect(ticket(16).sla_first_reply_status).toBe('breached');
    expect(ticket(16).sla_resolution_status).toBe('breached');
    expect(ticket(14).sla_resolution_status).toBe('pending');
    expect(ticket(13).sla_first_reply_status).toBe('met');
  });

  it('counts business hours over a weekend and across the change to summer time', () => {
    const weekend = ticket(17);
    expect(weekend.vip_tier).toBe('gold');
    expect(weekend.sla_policy).toBe('vip_desk');
    expect(weekend.first_reply_time_s).toBe(2 * 86400 + 16 * H);
    expect(weekend.first_reply_time_business_s).toBe(H);
    expect(weekend.sla_first_reply_status).toBe('met');
    const dst = ticket(18);
    expect(dst.first_reply_time_business_s).toBe(2 * H + 30 * 60);
    expect(dst.sla_first_reply_status).toBe('breached');
    expect(ticket(19).vip_tier).toBe('none');
    expect(ticket(19).sla_policy).toBe('standard');
  });

  it('maps CSAT to 1–5 and reads sentiment as mean, label and shift', () => {
    expect(ticket(20).csat_score).toBe(5);
    expect(ticket(1).csat_score).toBeNull();
    expect(ticket(1).is_csat_offered).toBe(true);
    expect(ticket(3).csat_score).toBe(4);
    expect(ticket(4).is_csat_offered).toBe(false);
    expect(ticket(20).sentiment_score).toBeCloseTo(-0.1, 10);
    expect(ticket(20).sentiment_label).toBe('neutral');
    expect(ticket(20).sentiment_shift).toBeCloseTo(1.0, 10);
    expect(ticket(1).sentiment_score).toBeNull();
  });

  it('passes the data tests declared on the KPI models (one row per ticket, keys, accepted values)', async () => {
    // Act
    const report = await runDataTests({ engine: world.engine, now: new Date(NOW) });
    // Assess
    // This world lands one CRM contact only (the VIP cases), so its other customers are, rightly,
    // not in dim_customers: the customer relationship test is exercised on a whole simulated
    // desk in tests/models/freshness-and-relationships.test.ts instead.
    const failures = report.results.filter(
      (r) => r.status !== 'pass' && !r.test.startsWith('relationships(customer_key -> dim_customers.'),
    );
    expect(failures.map((f) => `${f.model}: ${f.test} ${f.message ?? ''}`)).toEqual([]);
    expect(report.results.some((r) => r.model === 'fct_tickets' && r.kind === 'unique')).toBe(true);
  });
});
