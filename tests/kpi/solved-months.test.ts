import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiWorld, type KpiWorld, tableSnapshot } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, ratingRow, solvedTicketRows, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * A recomputed month reads the facts of the tickets solved in it, wherever they were created:
 * chg_ticket_status_months pairs each creation month with the months its tickets were solved in.
 * Ticket 1 is created in January and solved on 3 February (run 1). Run 2 brings only a February
 * ticket of another customer, so February is recomputed and January is not; February's resolution
 * KPIs must still count ticket 1, and the agent's February CSAT its rating (given on 4 February).
 */
const AGENT = 201;
const MARTS = ['kpi_values', 'agent_performance'];

let world: KpiWorld;
let recomputed: readonly string[] = [];
let pairs: string[] = [];
let februarySolves: number;
let agentCsat: unknown;
const incremental = new Map<string, string[]>();
const rebuilt = new Map<string, string[]>();

const solvedTicket = (
  id: number,
  requester: number,
  createdAt: string,
  repliedAt: string,
  solvedAt: string,
) => solvedTicketRows({ id, requester, agent: AGENT, createdAt, repliedAt, solvedAt });

beforeAll(async () => {
  world = await createKpiWorld();
  // Prepare: run 1 — a January ticket solved in February
  await world.land('groups', groupRows(), 'extract-1');
  await world.land(
    'users',
    [userRow({ user_id: 101 }), userRow({ user_id: 102 }), userRow({ user_id: AGENT, role: 'agent' })],
    'extract-1',
  );
  await world.landTicket(
    solvedTicket(1, 101, '2026-01-20T09:00:00Z', '2026-01-20T10:00:00Z', '2026-02-03T09:00:00Z'),
    'extract-1',
  );
  await world.land(
    'satisfaction_ratings',
    [
      ratingRow({
        rating_id: 900,
        ticket_id: 1,
        requester_id: 101,
        assignee_id: AGENT,
        score: 'bad',
        created_at: '2026-02-04T09:00:00Z',
      }),
    ],
    'extract-1',
  );
  await world.transform('2026-02-10T00:00:00Z');
  // Act: run 2 — a February ticket of another customer
  await world.landTicket(
    solvedTicket(2, 102, '2026-02-17T09:00:00Z', '2026-02-17T09:30:00Z', '2026-02-18T09:00:00Z'),
    'extract-2',
  );
  const result = await world.transform('2026-02-20T00:00:00Z');
  recomputed = result.models.find((m) => m.model === 'kpi_values')?.partitions ?? [];
  pairs = (await world.query('select created_month, status_month from chg_ticket_status_months')).map(
    (r) => `${r.created_month}→${r.status_month}`,
  );
  const [solves] = await world.query(
    "select denominator from kpi_values where kpi = 'reopen_rate' and period_grain = 'month' and period_start = date '2026-02-01' and breakdown = 'overall'",
  );
  februarySolves = Number(solves?.denominator);
  const [agent] = await world.query(
    `select csat_rate from agent_performance where agent_id = ${AGENT} and period_grain = 'month' and period_start = date '2026-02-01'`,
  );
  agentCsat = agent?.csat_rate;
  for (const table of MARTS) incremental.set(table, await tableSnapshot(world, table));
  await world.transform('2026-02-20T00:00:00Z', { full: true });
  for (const table of MARTS) rebuilt.set(table, await tableSnapshot(world, table));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('a run that recomputes February but not January', () => {
  it('recomputes February only', () => {
    // Assess
    expect(recomputed).toEqual(['2026-02']);
  });

  it('pairs January with the February solve, and with no month it was only opened in', () => {
    // Assess
    expect(pairs).toContain('2026-01→2026-02');
    expect(pairs).not.toContain('2026-01→2026-01');
  });

  it('counts the January ticket among February’s solves', () => {
    // Assess
    expect(februarySolves).toBe(2);
  });

  it('rates the agent’s February on the January ticket’s rating', () => {
    // Assess
    expect(agentCsat).toBe(0);
  });

  it.each(MARTS)('leaves %s equal to a full rebuild', (table) => {
    // Assess
    expect(incremental.get(table)).toEqual(rebuilt.get(table));
  });
});
