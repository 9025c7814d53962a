import { describe, expect, it } from 'vitest';
import {
  formatChange as dashboardChange,
  formatValue as dashboardValue,
} from '#src/dashboard/format-value.ts';
import {
  formatKpiChange,
  formatKpiTarget,
  formatKpiValue,
  unitOfKpi,
} from '#src/kpi/catalogue/format-kpi.ts';
import { type KpiUnit, kpiCatalogue, kpiNames, kpiUnits } from '#src/kpi/catalogue/kpi-catalogue.ts';
import { formatScorecard, type ScorecardRow } from '#src/kpi/scorecard/format-scorecard.ts';

/** One case per unit: a value, its text, a change, its text. */
const cases: Record<KpiUnit, { value: number; text: string; change: number; changeText: string }> = {
  seconds: { value: 3_900, text: '1 h 05 min', change: -65, changeText: '−1 min 05 s' },
  rate: { value: 0.8745, text: '87.5 %', change: -0.012, changeText: '−1.2 pp' },
  ratio: { value: 1.266, text: '126.6 %', change: 1.082, changeText: '+108.2 pp' },
  score: { value: 51.64, text: '51.6', change: -1.64, changeText: '−1.64' },
  count: { value: 12_345, text: '12,345', change: 120, changeText: '+120' },
};

describe('the KPI formatter shared by the scorecard and the dashboard', () => {
  it('has a case for every unit of the catalogue', () => {
    expect(Object.keys(cases).sort()).toEqual([...kpiUnits].sort());
  });

  it.each(kpiUnits)('writes a %s value and a change of one in that unit', (unit) => {
    // Prepare
    const { value, text, change, changeText } = cases[unit];

    // Act and assess
    expect(formatKpiValue(value, unit)).toBe(text);
    expect(formatKpiChange(change, unit)).toBe(changeText);
  });

  it.each(kpiUnits)('marks a negative %s value with the minus sign, never a hyphen', (unit) => {
    // Act
    const text = formatKpiValue(-cases[unit].value, unit);

    // Assess
    expect(text).toBe(`−${cases[unit].text}`);
    expect(text).not.toContain('-');
  });

  it('signs every change: plus, minus, or ± for none; a change below the precision keeps its direction', () => {
    expect(formatKpiChange(0, 'rate')).toBe('±0.0 pp');
    expect(formatKpiChange(0, 'seconds')).toBe('±0 s');
    expect(formatKpiChange(-0.3, 'seconds')).toBe('−0 s');
    expect(formatKpiChange(0.0004, 'rate')).toBe('+0.0 pp');
  });

  it('writes nothing known as a dash, and targets with the comparator of the better direction', () => {
    expect(formatKpiValue(null, 'rate')).toBe('—');
    expect(formatKpiValue(Number.NaN, 'seconds')).toBe('—');
    expect(formatKpiChange(undefined, 'count')).toBe('—');
    expect(formatKpiTarget(1_800, 'seconds', 'lower')).toBe('≤ 30 min 00 s');
    expect(formatKpiTarget(0.95, 'rate', 'higher')).toBe('≥ 95.0 %');
    expect(formatKpiTarget(40, 'score', 'none')).toBe('40.0');
    expect(formatKpiTarget(null, 'rate', 'higher')).toBe('—');
  });

  it("reads each KPI's unit from the catalogue", () => {
    expect(kpiNames.map(unitOfKpi)).toEqual(kpiNames.map((name) => kpiCatalogue[name].unit));
    expect(unitOfKpi('not_a_kpi')).toBeUndefined();
  });

  it.each(kpiNames)(
    'shows %s with the same value and change text in the terminal and on the dashboard',
    (kpi) => {
      // Prepare
      const { value, change } = cases[kpiCatalogue[kpi].unit];
      const row: ScorecardRow = {
        kpi,
        target: null,
        actual: value,
        change,
        direction: kpiCatalogue[kpi].direction,
        owner: 'o',
        frequency: 'daily',
        source: 's',
        status: 'met',
      };

      // Act
      const [, , terminal] = formatScorecard([row]).split('\n');
      const page = { value: dashboardValue(kpi, value), change: dashboardChange(kpi, change) };

      // Assess
      const cells = terminal!.split(/ {2,}/);
      expect(cells[2]).toBe(page.value);
      expect(cells[3]).toBe(page.change.replace(/^[▲▼=] /, ''));
    },
  );
});
