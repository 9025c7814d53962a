import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { buildSeeds, calendarRange } from '#src/kpi/build-seeds.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';

const dayDates = (config: ReturnType<typeof parseConfig>, now: Date) =>
  (buildSeeds(config, { now }).find((s) => s.name === 'reporting_days')?.rows ?? []).map(
    (r) => r.day_date as string,
  );

describe('the SLA business calendar', () => {
  it('follows the data by default: from before the earliest source start to past the run’s now', () => {
    // Prepare
    const config = parseConfig({
      sources: { zendesk: { startDate: '2026-08-01' }, hubspot: { startDate: '2027-02-01' } },
    });
    const now = new Date('2028-06-15T12:00:00Z');
    // Act
    const range = calendarRange(config, now);
    const days = dayDates(config, now);
    // Assess
    expect(range.from < '2026-08-01').toBe(true);
    expect(range.to > '2028-06-15').toBe(true);
    expect(days).toContain('2028-06-15');
    expect(days).toContain('2026-08-01');
    expect(days[0]).toBe(range.from);
    expect(days.at(-1)).toBe(range.to);
  });

  it('expands business hours for the days of a run in 2028', () => {
    // Prepare
    const config = parseConfig({});
    const now = new Date('2028-03-08T00:00:00Z');
    const monday = Date.parse('2028-03-06T09:00:00Z') / 1000; // 09:00 in London (GMT in March)
    // Act
    const hours = buildSeeds(config, { now }).find((s) => s.name === 'business_hours')?.rows ?? [];
    // Assess
    expect(hours.some((r) => r.open_from_s === monday)).toBe(true);
  });

  it('honours explicit bounds exactly', () => {
    // Prepare
    const config = parseConfig({ sla: { calendarFrom: '2026-01-01', calendarTo: '2026-12-31' } });
    // Act
    const range = calendarRange(config, new Date('2028-06-15T00:00:00Z'));
    // Assess
    expect(range).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('derives only the bound left open, never crossing the explicit one', () => {
    // Prepare
    const onlyTo = parseConfig({ sla: { calendarTo: '2020-06-30' } });
    const onlyFrom = parseConfig({ sla: { calendarFrom: '2029-01-01' } });
    const now = new Date('2028-06-15T00:00:00Z');
    // Act
    const a = calendarRange(onlyTo, now);
    const b = calendarRange(onlyFrom, now);
    // Assess
    expect(a.to).toBe('2020-06-30');
    expect(a.from <= a.to).toBe(true);
    expect(b.from).toBe('2029-01-01');
    expect(b.to >= b.from).toBe(true);
  });

  it('keeps the KPI version when only the run’s now moves the derived calendar (no daily full rebuild)', () => {
    // Prepare
    const config = parseConfig({});
    const monday = new Date('2028-03-06T00:00:00Z');
    const tuesday = new Date('2028-03-07T00:00:00Z');
    // Act
    const versions = [monday, tuesday].map(
      (now) => buildSeeds(config, { now }).find((s) => s.name === 'run')?.rows[0]?.kpi_version,
    );
    // Assess
    expect(calendarRange(config, monday).to).not.toBe(calendarRange(config, tuesday).to);
    expect(versions[0]).toBe(versions[1]);
    expect(versions[0]).toBe(kpiVersion(config));
  });

  it('gives a new KPI version when the calendar is set explicitly (a definition change)', () => {
    expect(kpiVersion(parseConfig({ sla: { calendarTo: '2030-12-31' } }))).not.toBe(
      kpiVersion(parseConfig({})),
    );
  });

  it('refuses an explicit end before the explicit start, naming the field', () => {
    expect(() => parseConfig({ sla: { calendarFrom: '2027-01-01', calendarTo: '2026-01-01' } })).toThrow(
      /sla\.calendarTo: calendarTo is before calendarFrom/,
    );
  });
});
