import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { businessSeconds, openIntervals } from '#src/kpi/calendar/open-intervals.ts';
import { localToEpoch, zoneOffsetSeconds } from '#src/kpi/calendar/zoned-time.ts';
import {
  formatKpiChange as formatChange,
  formatDuration,
  formatKpiValue as formatValue,
} from '#src/kpi/catalogue/format-kpi.ts';
import { formatScorecard } from '#src/kpi/scorecard/format-scorecard.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { groupRows, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

const s = (iso: string) => Date.parse(iso) / 1000;

describe('reporting days in a non-UTC zone', () => {
  let world: KpiWorld;

  beforeAll(async () => {
    // Prepare: New York, which moved from EST (−5) to EDT (−4) on Sunday 8 March 2026.
    world = await createKpiWorld({ desk: { reportingTimeZone: 'America/New_York' } });
    await world.land('groups', groupRows());
    await world.land('users', [userRow({ user_id: 101 })]);
    await world.land('tickets', [
      ticketRow({ ticket_id: 1, created_at: '2026-03-03T03:00:00Z' }), // Mon 2 Mar 22:00 EST
      ticketRow({ ticket_id: 2, created_at: '2026-03-15T03:30:00Z' }), // Sat 14 Mar 23:30 EDT
      ticketRow({ ticket_id: 3, created_at: '2026-03-15T04:30:00Z' }), // Sun 15 Mar 00:30 EDT
      ticketRow({ ticket_id: 4, created_at: '2026-04-01T03:59:59Z' }), // Tue 31 Mar 23:59:59 EDT
    ]);
    await world.transform('2026-04-02T00:00:00Z');
  });

  afterAll(async () => {
    await world?.close();
  });

  it('cuts created dates, hours and months in the zone, before and after its daylight-saving change', async () => {
    // Act
    const rows = await world.query(
      'select ticket_id, cast(created_date as varchar) as d, created_hour as h, created_month as m from fct_tickets order by ticket_id',
    );
    // Assess
    expect(rows).toEqual([
      { ticket_id: 1, d: '2026-03-02', h: 22, m: '2026-03' },
      { ticket_id: 2, d: '2026-03-14', h: 23, m: '2026-03' },
      { ticket_id: 3, d: '2026-03-15', h: 0, m: '2026-03' },
      { ticket_id: 4, d: '2026-03-31', h: 23, m: '2026-03' },
    ]);
  });

  it('counts the KPIs on those days and weeks', async () => {
    // Act
    const rows = await world.query(
      "select period_grain as g, cast(period_start as varchar) as p, value from kpi_values where kpi = 'ticket_volume' and breakdown = 'overall' order by 1, 2",
    );
    // Assess: Sat 14 and Sun 15 March fall in the ISO week of Monday 9 March
    expect(rows).toEqual([
      { g: 'day', p: '2026-03-02', value: 1 },
      { g: 'day', p: '2026-03-14', value: 1 },
      { g: 'day', p: '2026-03-15', value: 1 },
      { g: 'day', p: '2026-03-31', value: 1 },
      { g: 'month', p: '2026-03-01', value: 4 },
      { g: 'week', p: '2026-03-02', value: 1 },
      { g: 'week', p: '2026-03-09', value: 2 },
      { g: 'week', p: '2026-03-30', value: 1 },
    ]);
  });
});

describe('business-hours calendar', () => {
  const london = {
    timeZone: 'Europe/London',
    hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, open: '09:00', close: '18:00' }],
    holidays: ['2026-08-31'],
  };

  it('opens at 09:00 local time, which is 08:00 UTC in summer and 09:00 UTC in winter', () => {
    // Act
    const intervals = openIntervals(
      { ...london, hours: [{ ...london.hours[0]!, days: [...london.hours[0]!.days] }] },
      '2026-10-22',
      '2026-10-27',
    );
    // Assess: Thu 22, Fri 23 (BST), Mon 26, Tue 27 (GMT); the clocks went back on Sun 25
    const opens = intervals.slice(1).map((i) => new Date(i.openFromS * 1000).toISOString());
    expect(opens).toEqual([
      '2026-10-22T08:00:00.000Z',
      '2026-10-23T08:00:00.000Z',
      '2026-10-26T09:00:00.000Z',
      '2026-10-27T09:00:00.000Z',
    ]);
    expect(businessSeconds(intervals, s('2026-10-23T16:00:00Z'), s('2026-10-26T10:00:00Z'))).toBe(
      3600 + 3600,
    );
  });

  it('skips holidays and weekends', () => {
    const intervals = openIntervals(
      { ...london, hours: [{ ...london.hours[0]!, days: [...london.hours[0]!.days] }] },
      '2026-08-27',
      '2026-09-02',
    );
    // Fri 28 Aug 17:00 BST → Tue 1 Sep 10:00 BST: 1 h Friday, the bank holiday Monday closed, 1 h Tuesday
    expect(businessSeconds(intervals, s('2026-08-28T16:00:00Z'), s('2026-09-01T09:00:00Z'))).toBe(2 * 3600);
  });

  it('converts local times and offsets with the IANA database', () => {
    expect(zoneOffsetSeconds('Europe/London', s('2026-07-01T00:00:00Z'))).toBe(3600);
    expect(zoneOffsetSeconds('Asia/Tokyo', s('2026-07-01T00:00:00Z'))).toBe(9 * 3600);
    expect(localToEpoch('America/New_York', '2026-03-09', 9 * 60)).toBe(s('2026-03-09T13:00:00Z'));
  });

  it('gives the reporting offsets of the zone as seed rows covering every instant', () => {
    // Act
    const seeds = buildSeeds(parseConfig({ desk: { reportingTimeZone: 'Europe/Berlin' } }), {
      now: new Date('2026-03-01T00:00:00Z'),
    });
    const offsets = seeds.find((t) => t.name === 'reporting_offsets')!.rows;
    // Assess
    const at = (iso: string) =>
      offsets.find((o) => Number(o.valid_from_s) <= s(iso) && s(iso) < Number(o.valid_to_s))!.offset_s;
    expect(at('2026-03-29T00:59:59Z')).toBe(3600);
    expect(at('2026-03-29T01:00:00Z')).toBe(7200);
    expect(at('1990-01-01T00:00:00Z')).toBe(3600);
  });

  it('refuses an SLA policy on a schedule that is not defined', () => {
    expect(() =>
      parseConfig({
        sla: { policies: [{ name: 'x', firstReplyTargetS: 60, resolutionTargetS: null, schedule: 'nope' }] },
      }),
    ).toThrow(/sla\.policies\.0\.schedule: schedule "nope" is not defined/);
  });
});

describe('formatScorecard', () => {
  it('writes durations as hours and minutes, rates as percentages and changes in points', () => {
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe('2 d 3 h');
    expect(formatValue(0.875, 'rate')).toBe('87.5 %');
    expect(formatChange(-0.021, 'rate')).toBe('−2.1 pp');
    expect(formatChange(65, 'seconds')).toBe('+1 min 05 s');
  });

  it('aligns one row per KPI with target, actual, change, owner, frequency, source and status', () => {
    // Act
    const text = formatScorecard([
      {
        kpi: 'first_reply_time_avg_s',
        breakdown: 'channel',
        breakdown_value: 'email',
        period_grain: 'day',
        period_start: '2026-03-05',
        target: 14400,
        actual: 3900,
        change: -300,
        direction: 'lower',
        unit: 'seconds',
        owner: 'operations manager',
        frequency: 'daily',
        source: 'ticket desk',
        status: 'met',
        attainment: 120,
      },
      {
        kpi: 'fcr_rate',
        target: 0.78,
        actual: null,
        change: null,
        direction: 'higher',
        owner: 'support analyst',
        frequency: 'weekly',
        source: 'ticket desk',
        status: 'no_data',
      },
    ]);
    // Assess
    const [header, , email, fcr] = text.split('\n');
    expect(header).toMatch(
      /^KPI +period +target +actual +change +owner +frequency +source +status +attain\.$/,
    );
    expect(email).toMatch(
      /^first_reply_time_avg_s \(email\) +day 2026-03-05 +≤ 4 h 00 min +1 h 05 min +−5 min 00 s +operations manager +daily +ticket desk +✓ met +120$/,
    );
    expect(fcr).toMatch(/^fcr_rate +≥ 78\.0 % +— +— +support analyst +weekly +ticket desk +· no data +—$/);
  });
});
