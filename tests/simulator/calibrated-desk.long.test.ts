import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashFactor, type WorldParams } from '#simulator/day-plan.ts';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import type { Row } from '#src/engines/query-engine.ts';
import { runSentimentStage } from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { evaluateSlaAlerts, type SlaAlertEvaluation } from '#src/kpi/alerts/evaluate-sla-alerts.ts';
import { ConsoleNotifier } from '#src/kpi/alerts/notifiers/console-notifier.ts';
import { HMAC_KEY, simulatorEndpoints, startSmallSimulator } from '#tests/extract/extraction-harness.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';

/*
 * The default desk is calibrated to published benchmarks (docs/SIMULATOR-CALIBRATION.md), at any
 * volume: a small world (40 tickets a day, the default crash-day rate) is extracted and modelled as
 * the pipeline does, once at the end of its market-crash day and again three days later. A normal
 * week meets most targets; the crash day breaches visibly and raises the SLA alert, which clears
 * once the trailing day is ordinary again.
 */
const DAY = 86_400;
const START = '2026-08-01';
const startTs = Date.parse(`${START}T00:00:00Z`) / 1000;
/** Monday 10 August to Sunday 16 August: days 9–15 of the world. */
const NORMAL_WEEK = '2026-08-10';

/** The first seed whose only crash day in the first four weeks falls in days 23–27 (after the normal week). */
function seedWithLateCrash(): { seed: number; crashDay: number } {
  for (let seed = 1; seed < 10_000; seed++) {
    const params = { seed, crashDayRate: 0.03 } as WorldParams;
    const crashDays = Array.from({ length: 28 }, (_, d) => d).filter(
      (d) => crashFactor(params, d).volume > 1,
    );
    if (crashDays.length === 1 && crashDays[0]! >= 23) return { seed, crashDay: crashDays[0]! };
  }
  throw new Error('no seed with a single late crash day');
}

const { seed, crashDay } = seedWithLateCrash();
const crashDate = new Date((startTs + crashDay * DAY) * 1000).toISOString().slice(0, 10);
const FIRST_RUN = new Date((startTs + crashDay * DAY + 23 * 3600) * 1000).toISOString();
const SECOND_RUN = new Date((startTs + (crashDay + 3) * DAY + 12 * 3600) * 1000).toISOString();

let sim: RunningSimulator;
let world: KpiWorld;
const alerts: SlaAlertEvaluation[] = [];
const lines: string[] = [];

async function runAt(at: string, n: number): Promise<void> {
  sim.clock.set(at);
  await runExtraction({
    config: world.config,
    store: world.store,
    runId: `extract-${n}`,
    endpoints: simulatorEndpoints(sim),
    hmacKey: HMAC_KEY,
    now: () => new Date(at),
  });
  await runSentimentStage({ config: world.config, store: world.store, runId: `nlp-${n}`, now: new Date(at) });
  await world.transform(at);
  alerts.push(
    await evaluateSlaAlerts({
      config: world.config,
      engine: world.engine,
      now: new Date(at),
      notifier: new ConsoleNotifier((line) => lines.push(line)),
    }),
  );
}

async function weekScorecard(): Promise<Row[]> {
  return world.query(
    `select kpi, breakdown_value, status, actual from kpi_scorecard
     where period_grain = 'week' and period_start = date '${NORMAL_WEEK}' and status <> 'no_data'`,
  );
}

async function dayValue(kpi: string, date: string): Promise<number> {
  const [row] = await world.query(
    `select value from kpi_values where kpi = '${kpi}' and period_grain = 'day' and breakdown = 'overall'
     and period_start = date '${date}'`,
  );
  return Number(row?.value);
}

beforeAll(async () => {
  // Prepare
  // The calibrated customer base (the simulator's default), not the extraction tests' smaller one.
  sim = await startSmallSimulator(
    {},
    { seed, days: crashDay + 4, ticketsPerDay: 40, customersPerDailyTicket: 100, now: FIRST_RUN },
  );
  world = await createKpiWorld();
  // Act: the end of the crash day, then three days later
  await runAt(FIRST_RUN, 1);
  await runAt(SECOND_RUN, 2);
}, 600_000);

afterAll(async () => {
  await world?.close();
  await sim?.close();
});

describe('a normal week of the calibrated desk', () => {
  it('meets most of its targets', async () => {
    const rows = await weekScorecard();
    const met = rows.filter((r) => r.status === 'met');
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(met.length / rows.length).toBeGreaterThanOrEqual(0.7);
  });

  it('answers chats within a minute on average and e-mails within hours', async () => {
    const rows = await weekScorecard();
    const actual = (kpi: string, cell = 'all') =>
      Number(rows.find((r) => r.kpi === kpi && r.breakdown_value === cell)?.actual);
    expect(actual('first_reply_time_avg_s', 'chat')).toBeLessThanOrEqual(60);
    expect(actual('first_reply_time_avg_s', 'chat')).toBeGreaterThan(15);
    expect(actual('first_reply_time_avg_s', 'email')).toBeLessThanOrEqual(4 * 3600);
    expect(actual('first_reply_time_avg_s', 'email')).toBeGreaterThan(15 * 60);
    expect(actual('sla_compliance_rate')).toBeGreaterThanOrEqual(0.95);
  });

  it('resolves, satisfies and contains in the ranges real desks report', async () => {
    const rows = await weekScorecard();
    const actual = (kpi: string) => Number(rows.find((r) => r.kpi === kpi)?.actual);
    // SQM: average 70–72 %, "good" 70–79 %, world class 80 %+ (docs/SIMULATOR-CALIBRATION.md)
    expect(actual('fcr_rate')).toBeGreaterThanOrEqual(0.65);
    expect(actual('fcr_rate')).toBeLessThanOrEqual(0.85);
    // Zendesk: 86 % globally, 93 % in financial services
    expect(actual('csat_rate')).toBeGreaterThanOrEqual(0.8);
    expect(actual('csat_rate')).toBeLessThanOrEqual(0.98);
    // AI agents resolve about half of what they handle in production
    expect(actual('bot_containment_rate')).toBeGreaterThanOrEqual(0.45);
    expect(actual('bot_containment_rate')).toBeLessThanOrEqual(0.8);
  });
});

describe('the market-crash day', () => {
  it('breaches the SLA visibly against the normal week', async () => {
    const crash = await dayValue('sla_compliance_rate', crashDate);
    const [week] = await world.query(
      `select value from kpi_values where kpi = 'sla_compliance_rate' and period_grain = 'week'
       and breakdown = 'overall' and period_start = date '${NORMAL_WEEK}'`,
    );
    expect(crash).toBeLessThan(0.9);
    expect(crash).toBeLessThan(Number(week!.value) - 0.1);
    expect(await dayValue('ticket_volume', crashDate)).toBeGreaterThanOrEqual(4 * 40 * 0.85);
  });

  it('raises the SLA alert at its end and clears it once the trailing day is ordinary', () => {
    expect(alerts.map((a) => a.outcome)).toEqual(['raised', 'cleared']);
    expect(alerts[0]!.actual).toBeLessThan(0.9);
    expect(alerts[1]!.actual).toBeGreaterThanOrEqual(0.9);
    expect(lines.length).toBeGreaterThanOrEqual(2);
  });
});
