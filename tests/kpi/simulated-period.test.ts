import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerMessageTruth, TicketFacts } from '#simulator/ground-truth.ts';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import type { Row } from '#src/engines/query-engine.ts';
import { runSentimentStage } from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { HMAC_KEY, simulatorEndpoints, startSmallSimulator } from '#tests/extract/extraction-harness.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';

/*
 * A simulated quarter (August to October, a few tickets a day and the market-crash days) served over HTTP, extracted, analysed and
 * modelled exactly as the pipeline does; the facts are then compared with what the simulator knows
 * about its own world.
 */
let sim: RunningSimulator;
let world: KpiWorld;
let truth: TicketFacts[];
let facts: Map<number, Row>;

const iso = (value: unknown) =>
  value === null || value === undefined ? null : new Date(String(value)).toISOString();

beforeAll(async () => {
  sim = await startSmallSimulator({}, { days: 92, ticketsPerDay: 4, seed: 11 });
  world = await createKpiWorld();
  await runExtraction({
    config: world.config,
    store: world.store,
    runId: 'extract-1',
    endpoints: simulatorEndpoints(sim),
    hmacKey: HMAC_KEY,
    now: () => sim.clock.now(),
  });
  await runSentimentStage({ config: world.config, store: world.store, runId: 'nlp-1', now: sim.clock.now() });
  await world.transform(sim.clock.now().toISOString());
  truth = [];
  for await (const t of sim.truth.tickets()) truth.push(t);
  facts = new Map((await world.query('select * from fct_tickets')).map((r) => [Number(r.ticket_id), r]));
}, 240_000);

afterAll(async () => {
  await world?.close();
  await sim?.close();
});

function comparable(): TicketFacts[] {
  return truth.filter((t) => !t.isDeleted && !t.isMalformed && !t.isMergedAway && facts.has(t.ticketId));
}

describe('KPIs on a simulated period agree with the simulator', () => {
  it('has every ticket the desk exported', () => {
    expect(truth.length).toBeGreaterThan(100);
    expect(comparable().length / truth.filter((t) => !t.isMalformed).length).toBeGreaterThan(0.95);
  });

  it('finds the true first reply and first response of every ticket (bots and agent-created tickets included)', () => {
    const wrong = comparable().filter((t) => {
      const f = facts.get(t.ticketId)!;
      return (
        iso(f.first_reply_at) !== iso(t.firstReplyAt) || iso(f.first_response_at) !== iso(t.firstResponseAt)
      );
    });
    expect(wrong.map((t) => t.ticketId)).toEqual([]);
    expect(comparable().some((t) => t.isAgentCreated)).toBe(true);
    expect(comparable().some((t) => t.isBotContained)).toBe(true);
  });

  it('finds the true escalations, reopens, transfers, solves and bot containment', () => {
    const wrong = comparable().filter((t) => {
      const f = facts.get(t.ticketId)!;
      return (
        f.is_escalated !== t.isEscalated ||
        iso(f.escalated_at) !== iso(t.escalatedAt) ||
        Number(f.reopen_count) !== t.reopenCount ||
        Number(f.group_transfer_count) !== t.groupTransferCount ||
        iso(f.first_solved_at) !== iso(t.firstSolvedAt) ||
        f.is_bot_contained !== t.isBotContained ||
        Number(f.agent_reply_count) !== t.agentReplyCount
      );
    });
    expect(wrong.map((t) => t.ticketId)).toEqual([]);
    expect(comparable().filter((t) => t.isEscalated).length).toBeGreaterThan(0);
  });

  it('maps the true ratings to CSAT 5 (good) and 1 (bad)', () => {
    const rated = comparable().filter((t) => t.csatScore !== null);
    expect(rated.length).toBeGreaterThan(0);
    for (const t of rated) expect(facts.get(t.ticketId)!.csat_score).toBe(t.csatScore === 'good' ? 5 : 1);
  });

  it('labels the customer messages with the sentiment the simulator wrote them with', async () => {
    const messages: CustomerMessageTruth[] = [];
    for await (const m of sim.truth.customerMessages()) messages.push(m);
    const scores = new Map(
      (await world.query('select comment_id, sentiment_score from int_comment_sentiment')).map((r) => [
        Number(r.comment_id),
        Number(r.sentiment_score),
      ]),
    );
    const scored = messages.filter((m) => scores.has(m.commentId));
    const label = (s: number) => (s <= -0.25 ? 'negative' : s >= 0.25 ? 'positive' : 'neutral');
    const right = scored.filter((m) => label(scores.get(m.commentId)!) === m.sentiment).length;
    expect(scored.length / messages.length).toBeGreaterThan(0.95);
    expect(right / scored.length).toBeGreaterThanOrEqual(0.8);
  });

  it('computes the monthly escalation rate of the quarter from the true escalations', async () => {
    const rows = await world.query(
      "select cast(period_start as varchar) as month, numerator, denominator from kpi_values where kpi = 'escalation_rate' and period_grain = 'month' and breakdown = 'overall' order by 1",
    );
    const created = truth.filter((t) => !t.isDeleted && facts.has(t.ticketId));
    const months = [...new Set(created.map((t) => new Date(t.createdAt).toISOString().slice(0, 7)))].sort();
    expect(months).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(rows.map((r) => String(r.month).slice(0, 7))).toEqual(months);
    for (const month of months) {
      const inMonth = created.filter((t) => new Date(t.createdAt).toISOString().startsWith(month));
      const row = rows.find((r) => String(r.month).startsWith(month))!;
      expect(Number(row.denominator), month).toBe(inMonth.length);
      expect(Number(row.numerator), month).toBe(inMonth.filter((t) => t.isEscalated).length);
    }
  });

  it('computes the daily first reply time from the true first replies', async () => {
    const [row] = await world.query(
      "select sum(numerator) as total, sum(denominator) as n from kpi_values where kpi = 'first_reply_time_avg_s' and period_grain = 'day' and breakdown = 'overall'",
    );
    const replied = truth.filter((t) => !t.isDeleted && facts.has(t.ticketId) && t.firstReplyTimeS !== null);
    expect(Number(row!.n)).toBe(replied.length);
    expect(Number(row!.total)).toBeCloseTo(
      replied.reduce((s, t) => s + t.firstReplyTimeS!, 0),
      3,
    );
  });
});
