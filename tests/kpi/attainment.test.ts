import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { group, groupEvents, groupRows, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

/*
 * Attainment when the moving base already meets the target (KPIS.md, change of 2026-12-07): 100 when
 * the target is met, 0 when missed; the formula 100 × (actual − base) / (target − base) only when the
 * base misses. Four tickets a day from Monday 2 March 2026; `escalations` of them move L1 → L2,
 * 10 min after creation when early (≤ 15 min), 30 min after when late.
 *
 *   escalation_rate (lower is better, target set to 0.25) and early_escalation_rate (higher, 0.6):
 *   day        escalations   rate   base of the rate        early rate  base of the early rate
 *   Mon  2     1 early       0.25   —                        1         —
 *   Tue  3     1 early       0.25   0.25                     1         1
 *   Wed  4     1 early       0.25   0.25                     1         1
 *   Thu  5     0             0      0.25 (= target)          —         1
 *   Fri  6     0             0      0.1667 (beats)           —         1
 *   Sat  7     2: 1 early    0.5    0.0833 (beats)           0.5       1 (beats)
 *   Sun  8     1 early       0.25   0.1667 (beats)           1         0.5 (misses)
 *   Mon  9     2 early       0.5    0.25 (= target)          1         0.75 (beats)
 *   Tue 10     0             0      0.4167 (misses)          —         1 (beats)
 */
const NOW = '2026-03-11T00:00:00Z';
const plan: readonly { date: string; early: number; late: number }[] = [
  { date: '2026-03-02', early: 1, late: 0 },
  { date: '2026-03-03', early: 1, late: 0 },
  { date: '2026-03-04', early: 1, late: 0 },
  { date: '2026-03-05', early: 0, late: 0 },
  { date: '2026-03-06', early: 0, late: 0 },
  { date: '2026-03-07', early: 1, late: 1 },
  { date: '2026-03-08', early: 1, late: 0 },
  { date: '2026-03-09', early: 2, late: 0 },
  { date: '2026-03-10', early: 0, late: 0 },
];

let world: KpiWorld;

async function landDays(w: KpiWorld): Promise<void> {
  await w.land('groups', groupRows());
  await w.land('users', [userRow({ user_id: 101 })]);
  const tickets: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  let id = 1;
  for (const day of plan) {
    for (let i = 0; i < 4; i++, id++) {
      const created = `${day.date}T10:0${i}:00Z`;
      tickets.push(ticketRow({ ticket_id: id, created_at: created }));
      const steps: [string, number][] = [[created, group.l1]];
      if (i < day.early) steps.push([`${day.date}T10:1${i}:00Z`, group.l2]);
      else if (i < day.early + day.late) steps.push([`${day.date}T10:3${i}:00Z`, group.l2]);
      events.push(...groupEvents(id, steps));
    }
  }
  await w.land('tickets', tickets);
  await w.land('ticket_events', events);
}

async function scored(kpi: string, day: string) {
  const rows = await world.query(
    `select status, base, actual, attainment from kpi_scorecard where kpi = '${kpi}' and breakdown = 'overall'
     and period_grain = 'day' and period_start = date '${day}'`,
  );
  if (rows.length !== 1) throw new Error(`expected one ${kpi} row on ${day}, got ${rows.length}`);
  const [row] = rows;
  return { status: row!.status, base: Number(row!.base), attainment: Number(row!.attainment) };
}

beforeAll(async () => {
  // Prepare
  world = await createKpiWorld({
    kpis: { catalogue: { escalation_rate: { targets: [{ target: 0.25 }] } } },
  });
  await landDays(world);
  // Act
  await world.transform(NOW);
});

afterAll(async () => {
  await world?.close();
});

describe('attainment when the base already meets the target (lower is better)', () => {
  it('scores 100 when the base equals the target and the target is met', async () => {
    expect(await scored('escalation_rate', '2026-03-05')).toMatchObject({ status: 'met', attainment: 100 });
    expect((await scored('escalation_rate', '2026-03-05')).base).toBeCloseTo(0.25, 12);
  });

  it('scores 100, not 0, when the base beats the target and the actual beats it further', async () => {
    // The literal formula gave 100 × (0 − 1/6) / (0.25 − 1/6) = −200, clamped to 0.
    const friday = await scored('escalation_rate', '2026-03-06');
    expect(friday.base).toBeCloseTo(1 / 6, 12);
    expect(friday).toMatchObject({ status: 'met', attainment: 100 });
  });

  it('scores 100 when the actual lands exactly on the target', async () => {
    expect(await scored('escalation_rate', '2026-03-08')).toMatchObject({ status: 'met', attainment: 100 });
  });

  it('scores 0, not 150, when the base beats the target and the actual misses it', async () => {
    // The literal formula gave 100 × (0.5 − 1/12) / (0.25 − 1/12) = 250, clamped to 150.
    const saturday = await scored('escalation_rate', '2026-03-07');
    expect(saturday.base).toBeCloseTo(1 / 12, 12);
    expect(saturday).toMatchObject({ status: 'missed', attainment: 0 });
    expect(await scored('escalation_rate', '2026-03-09')).toMatchObject({ status: 'missed', attainment: 0 });
  });

  it('keeps the formula while the base misses the target', async () => {
    // base 5/12 misses 0.25; actual 0: 100 × (0 − 5/12) / (0.25 − 5/12) = 250 → clamped to 150
    const tuesday = await scored('escalation_rate', '2026-03-10');
    expect(tuesday.base).toBeCloseTo(5 / 12, 12);
    expect(tuesday).toMatchObject({ status: 'met', attainment: 150 });
  });
});

describe('attainment when the base already meets the target (higher is better)', () => {
  it('scores 0 when the base beats the target and the actual misses it', async () => {
    // base 1 ≥ 0.6, actual 0.5: the literal formula gave 100 × (0.5 − 1) / (0.6 − 1) = 125
    expect(await scored('early_escalation_rate', '2026-03-07')).toMatchObject({
      status: 'missed',
      base: 1,
      attainment: 0,
    });
  });

  it('keeps the formula while the base misses, and scores 100 when the base beats it again', async () => {
    // Sunday: base 0.5 < 0.6, actual 1 → 100 × 0.5 / 0.1 = 500 → 150
    expect(await scored('early_escalation_rate', '2026-03-08')).toMatchObject({
      status: 'met',
      base: 0.5,
      attainment: 150,
    });
    // Monday: base 0.75 ≥ 0.6, actual 1 → 100 (the literal formula gave 0)
    expect(await scored('early_escalation_rate', '2026-03-09')).toMatchObject({
      status: 'met',
      base: 0.75,
      attainment: 100,
    });
  });
});

describe('every scored row of the scorecard', () => {
  it('gives a met KPI at least 100 and a missed one less than 100', async () => {
    // Act
    const rows = await world.query(
      "select kpi, breakdown_value, period_grain, period_start, status, attainment from kpi_scorecard where status <> 'no_data'",
    );
    // Assess
    expect(rows.length).toBeGreaterThan(20);
    const wrong = rows.filter((r) =>
      r.status === 'met' ? Number(r.attainment) < 100 : Number(r.attainment) >= 100,
    );
    expect(wrong).toEqual([]);
  });
});
