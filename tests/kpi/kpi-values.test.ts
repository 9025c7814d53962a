import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '#src/engines/query-engine.ts';
import { formatScorecard } from '#src/kpi/scorecard/format-scorecard.ts';
import { readScorecard } from '#src/kpi/scorecard/read-scorecard.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import {
  commentRow,
  group,
  groupEvents,
  groupRows,
  ratingRow,
  statusEvents,
  ticketRow,
  userRow,
} from '#tests/kpi/helpers/landing-rows.ts';

/*
 * Five days, Monday 2 March to Friday 6 March 2026 (UTC reporting), tickets created at 10:00 + i min:
 *   Mon 2 tickets, 1 escalated   → escalation_rate 1/2
 *   Tue 4 tickets, 1 escalated   → 1/4
 *   Wed 2 tickets, 0 escalated   → 0
 *   Thu 9 tickets, 1 escalated   → 1/9; first replies after 60, 120, …, 540 s; the first three are chats
 *   Fri 2 tickets, 0 escalated   → 0
 * now = Saturday 7 March 00:00.
 */
const NOW = '2026-03-07T00:00:00Z';
const days = [
  { date: '2026-03-02', count: 2, escalated: 1 },
  { date: '2026-03-03', count: 4, escalated: 1 },
  { date: '2026-03-04', count: 2, escalated: 0 },
  { date: '2026-03-05', count: 9, escalated: 1 },
  { date: '2026-03-06', count: 2, escalated: 0 },
];

async function landWeek(world: KpiWorld): Promise<void> {
  await world.land('groups', groupRows());
  await world.land('users', [userRow({ user_id: 101 }), userRow({ user_id: 201, role: 'agent' })]);
  const tickets: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const comments: Record<string, unknown>[] = [];
  let id = 1;
  for (const day of days) {
    for (let i = 0; i < day.count; i++, id++) {
      const created = `${day.date}T10:${String(i).padStart(2, '0')}:00Z`;
      const isThursday = day.date === '2026-03-05';
      tickets.push(
        ticketRow({
          ticket_id: id,
          created_at: created,
          via_channel: isThursday && i < 3 ? 'chat' : 'email',
        }),
      );
      const steps: [string, number][] = [[created, group.l1]];
      if (i < day.escalated) steps.push([`${day.date}T10:${String(i + 10).padStart(2, '0')}:00Z`, group.l2]);
      events.push(...groupEvents(id, steps));
      if (isThursday) {
        const replyAt = new Date(Date.parse(created) + (i + 1) * 60_000).toISOString().replace('.000Z', 'Z');
        comments.push(commentRow({ ticket_id: id, author_id: 101, created_at: created }));
        comments.push(commentRow({ ticket_id: id, author_id: 201, created_at: replyAt }));
      }
    }
  }
  await world.land('tickets', tickets);
  await world.land('ticket_events', events);
  await world.land('comments', comments);
  await world.land('satisfaction_ratings', [
    ratingRow({
      rating_id: 1,
      ticket_id: 10,
      score: 'good',
      created_at: '2026-03-05T12:00:00Z',
      updated_at: '2026-03-06T08:00:00Z',
    }),
    ratingRow({
      rating_id: 2,
      ticket_id: 11,
      score: '3',
      created_at: '2026-03-05T12:00:00Z',
      updated_at: '2026-03-06T09:00:00Z',
    }),
    ratingRow({ rating_id: 3, ticket_id: 12, score: 'offered', created_at: '2026-03-05T12:00:00Z' }),
    ratingRow({ rating_id: 4, ticket_id: 13, score: 'offered', created_at: '2026-03-05T12:00:00Z' }),
  ]);
  await world.land('survey_responses', [
    ...[10, 9, 8, 6, 0].map((score, i) => ({
      response_id: `nps-${i}`,
      contact_id: `c-${i}`,
      customer_key: `ck-${i}`,
      survey_type: 'NPS',
      score,
      submitted_at: '2026-03-05T15:00:00Z',
      updated_at: '2026-03-05T15:00:00Z',
    })),
  ]);
}

let world: KpiWorld;

async function value(
  kpi: string,
  grain: string,
  start: string,
  breakdown = 'overall',
  cell = 'all',
): Promise<Row> {
  const rows = await world.query(
    `select value, numerator, denominator from kpi_values where kpi = '${kpi}' and period_grain = '${grain}'
     and period_start = date '${start}' and breakdown = '${breakdown}' and breakdown_value = '${cell}'`,
  );
  if (rows.length !== 1)
    throw new Error(`expected one ${kpi} ${grain} ${start} ${breakdown}=${cell}, got ${rows.length}`);
  return rows[0]!;
}

beforeAll(async () => {
  world = await createKpiWorld();
  await landWeek(world);
  await world.transform(NOW);
});

afterAll(async () => {
  await world?.close();
});

describe('kpi_values', () => {
  it('computes first reply time mean, median and p90 per day and per channel', async () => {
    // Thursday: 60 … 540 s; chats 60, 120, 180; e-mails 240 … 540
    expect((await value('first_reply_time_avg_s', 'day', '2026-03-05')).value).toBe(300);
    expect((await value('first_reply_time_p50_s', 'day', '2026-03-05')).value).toBe(300);
    // percentiles by nearest rank: p50 = ⌈0.5 × 9⌉ = 5th value, p90 = ⌈0.9 × 9⌉ = 9th value
    expect((await value('first_reply_time_p90_s', 'day', '2026-03-05')).value).toBe(540);
    expect((await value('first_reply_time_avg_s', 'day', '2026-03-05', 'channel', 'chat')).value).toBe(120);
    expect((await value('first_reply_time_avg_s', 'day', '2026-03-05', 'channel', 'email')).value).toBe(390);
    expect(await value('chat_replied_within_60s_rate', 'day', '2026-03-05')).toMatchObject({
      numerator: 1,
      denominator: 3,
    });
  });

  it('counts volume and escalations per day, ISO week and month', async () => {
    expect((await value('ticket_volume', 'day', '2026-03-05')).value).toBe(9);
    expect((await value('ticket_volume', 'week', '2026-03-02')).value).toBe(19);
    expect(await value('escalation_rate', 'month', '2026-03-01')).toMatchObject({
      numerator: 3,
      denominator: 19,
    });
    expect((await value('escalation_time_avg_s', 'week', '2026-03-02')).value).toBe(600);
    expect((await value('early_escalation_rate', 'week', '2026-03-02')).value).toBe(1);
  });

  it('puts first-reply and resolution targets together in SLA compliance, and each alone', async () => {
    // Thursday: chat first replies 60 and 120 s met, 180 s breached (2 min target); the chats'
    // 24 h resolution targets passed unsolved (breached); e-mail replies met, resolutions pending.
    expect(await value('sla_compliance_rate', 'day', '2026-03-05')).toMatchObject({
      numerator: 8,
      denominator: 12,
    });
    expect(await value('sla_first_reply_compliance_rate', 'day', '2026-03-05')).toMatchObject({
      numerator: 8,
      denominator: 9,
    });
    expect(await value('sla_resolution_compliance_rate', 'day', '2026-03-05')).toMatchObject({
      numerator: 0,
      denominator: 3,
    });
  });

  it('rates CSAT by rating date and the response rate by offer date; NPS from promoters and detractors', async () => {
    expect(await value('csat_rate', 'day', '2026-03-06')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(await value('csat_response_rate', 'day', '2026-03-05')).toMatchObject({
      numerator: 2,
      denominator: 4,
    });
    // 10, 9 promoters; 8 passive; 6, 0 detractors → 100 × (2 − 2) / 5
    expect((await value('nps', 'day', '2026-03-05')).value).toBe(0);
  });

  it('reads the backlog at the end of each day', async () => {
    expect((await value('backlog_open', 'day', '2026-03-05')).value).toBe(17);
    expect((await value('backlog_open', 'day', '2026-03-06')).value).toBe(19);
    const [thursday] = await world.query(
      "select backlog_age_p50_s from backlog_daily where day_date = date '2026-03-05' and breakdown = 'overall'",
    );
    // 17 open tickets at Friday 00:00, 9 of them from Thursday: the median (9th youngest) is
    // Thursday's first ticket, 10:00 → 24:00
    expect(thursday!.backlog_age_p50_s).toBe(14 * 3600);
  });
});

describe('kpi_scorecard', () => {
  async function scorecard(start: string): Promise<Row> {
    const [row] = await world.query(
      `select * from kpi_scorecard where kpi = 'escalation_rate' and period_grain = 'day' and period_start = date '${start}'`,
    );
    return row!;
  }

  it('scores attainment against the mean of the three previous periods', async () => {
    // Thursday: base = (1/2 + 1/4 + 0) / 3 = 0.25, actual 1/9, target 0.06 (lower is better)
    const row = await scorecard('2026-03-05');
    expect(row.status).toBe('missed');
    expect(row.base).toBeCloseTo(0.25, 10);
    expect(row.attainment).toBeCloseTo((100 * (1 / 9 - 0.25)) / (0.06 - 0.25), 8);
    expect(row.previous_actual).toBe(0);
    expect(row.change).toBeCloseTo(1 / 9, 10);
    expect(row.owner).toBe('head of support');
  });

  it('clamps attainment to 150 and gives 0 or 100 without a base', async () => {
    // Friday: actual 0 beats the target; base (1/4 + 0 + 1/9) / 3 → 100 × (0 − base) / (0.06 − base) ≈ 199
    const friday = await scorecard('2026-03-06');
    expect(friday.status).toBe('met');
    expect(friday.attainment).toBe(150);
    // Monday has no earlier period: missed → 0
    const monday = await scorecard('2026-03-02');
    expect(monday.base).toBeNull();
    expect(monday.attainment).toBe(0);
  });

  it('weights attainments into the service quality index', async () => {
    const rows = await world.query(
      "select weight, attainment from kpi_scorecard where period_grain = 'day' and period_start = date '2026-03-05' and attainment is not null and weight > 0",
    );
    const expected =
      rows.reduce((s, r) => s + Number(r.weight) * Number(r.attainment), 0) /
      rows.reduce((s, r) => s + Number(r.weight), 0);
    const [index] = await world.query(
      "select service_quality_index from service_quality_index where period_grain = 'day' and period_start = date '2026-03-05'",
    );
    expect(rows.length).toBeGreaterThan(3);
    expect(Number(index!.service_quality_index)).toBeCloseTo(expected, 8);
  });

  it('prints the latest scorecard as a table with durations and percentages', async () => {
    // Act
    const { rows } = await readScorecard(world.engine);
    const text = formatScorecard(rows);
    // Assess
    expect(text.split('\n')[0]).toMatch(
      /^KPI\s+period\s+target\s+actual\s+change\s+owner\s+frequency\s+source\s+status/,
    );
    expect(text).toMatch(/first_reply_time_avg_s \(chat\)\s+day 2026-03-06\s+≤ 1 min/);
    expect(text).toMatch(/escalation_rate\s+month 2026-03-01\s+≤ 6\.0 %\s+15\.8 %/);
  });
});

describe('a second run', () => {
  it('updates a changed ticket and moves pending SLA targets to breached as time passes', async () => {
    // Prepare: ticket 4 (Tuesday 10:01) gets solved; time moves two days on, past the 48 h
    // resolution target of ticket 12 (Thursday 10:03, e-mail)
    await world.land(
      'ticket_events',
      statusEvents(4, [
        ['2026-03-03T10:01:00Z', 'open'],
        ['2026-03-07T01:00:00Z', 'solved'],
      ]),
      'run-2',
    );
    await world.land(
      'tickets',
      [
        ticketRow({
          ticket_id: 4,
          created_at: '2026-03-03T10:01:00Z',
          status: 'solved',
          updated_at: '2026-03-07T01:00:00Z',
        }),
      ],
      'run-2',
    );
    const before = await world.query('select sla_resolution_status from fct_tickets where ticket_id = 12');
    // Act
    await world.transform('2026-03-09T00:00:00Z');
    // Assess
    const [four] = await world.query(
      'select status, full_resolution_time_s from fct_tickets where ticket_id = 4',
    );
    expect(four).toEqual({ status: 'solved', full_resolution_time_s: 3 * 86400 + 15 * 3600 - 60 });
    expect(before[0]!.sla_resolution_status).toBe('pending');
    const [twelve] = await world.query('select sla_resolution_status from fct_tickets where ticket_id = 12');
    expect(twelve!.sla_resolution_status).toBe('breached');
    expect((await world.query('select count(*) as n from fct_tickets'))[0]!.n).toBe(19);
  });
});
