/**
 * KPI numbers for people, one text everywhere a person reads one: the terminal scorecard and the
 * dashboard page (which bundles this module) both format a KPI's value, target and change here,
 * in the unit the catalogue declares for it.
 *
 * Sign convention: a value shows a sign only when negative; a change always shows one, `+`, `−`
 * (U+2212 MINUS SIGN, never the hyphen) or `±` for exactly no change, taken from the exact change,
 * so a change smaller than the display's precision still says its direction (`−0 s`). Changes of
 * rates and ratios are in percentage points (`+2.1 pp`), other changes in the value's own unit. The
 * dashboard may put a ▲ / ▼ before the text; the text is this one.
 */
import { formatDuration } from '#src/shared/format-duration.ts';
import { type KpiDirection, type KpiUnit, kpiEntry } from './kpi-catalogue.ts';

export { formatDuration };

const MINUS = '−';

/** The unit the catalogue declares for a KPI; undefined for a name that is not a KPI. */
export function unitOfKpi(name: string): KpiUnit | undefined {
  return kpiEntry(name)?.unit;
}

/** A magnitude (≥ 0) in a unit, without sign; `pp` for rates and ratios when it is a change. */
function magnitude(size: number, unit: KpiUnit, change: boolean): string {
  switch (unit) {
    case 'seconds':
      return formatDuration(size);
    case 'rate':
    case 'ratio':
      return `${(size * 100).toFixed(1)} ${change ? 'pp' : '%'}`;
    case 'score':
      return size.toFixed(size < 10 ? 2 : 1);
    case 'count':
      return Math.round(size).toLocaleString('en-GB');
  }
}

const missing = (n: number | null | undefined): n is null | undefined =>
  n === null || n === undefined || !Number.isFinite(n);

/**
 * A KPI value in its unit: `1 h 05 min`, `87.5 %` (rates and ratios), `51.6` / `0.12` (scores),
 * `12,345` (counts); `—` when there is none.
 */
export function formatKpiValue(value: number | null | undefined, unit: KpiUnit): string {
  if (missing(value)) return '—';
  return `${value < 0 ? MINUS : ''}${magnitude(Math.abs(value), unit, false)}`;
}

/** A change between two periods: `+2.1 pp`, `−1 min 05 s`, `±0`; `—` when there is none. */
export function formatKpiChange(change: number | null | undefined, unit: KpiUnit): string {
  if (missing(change)) return '—';
  const sign = change > 0 ? '+' : change < 0 ? MINUS : '±';
  return `${sign}${magnitude(Math.abs(change), unit, true)}`;
}

/** A target with the comparator of the KPI's better direction: `≤ 30 min 00 s`, `≥ 95.0 %`. */
export function formatKpiTarget(
  target: number | null | undefined,
  unit: KpiUnit,
  direction: KpiDirection,
): string {
  if (missing(target)) return '—';
  const comparator = direction === 'lower' ? '≤ ' : direction === 'higher' ? '≥ ' : '';
  return `${comparator}${formatKpiValue(target, unit)}`;
}
