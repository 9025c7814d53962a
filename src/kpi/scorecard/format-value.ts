import type { KpiUnit } from '#src/kpi/kpi-config.ts';
import { formatDuration } from '#src/shared/format-duration.ts';

export { formatDuration };

/** A KPI value in its unit: durations, rates as percentages, ratios as percentages, scores, counts. */
export function formatValue(value: number | null | undefined, unit: KpiUnit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'seconds':
      return formatDuration(value);
    case 'rate':
    case 'ratio':
      return `${(value * 100).toFixed(1)} %`;
    case 'score':
      return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
    case 'count':
      return String(Math.round(value));
  }
}

/** A change between two periods: `+2.1 pp` for rates, `−1 min 05 s` for durations. */
export function formatChange(change: number | null | undefined, unit: KpiUnit): string {
  if (change === null || change === undefined || Number.isNaN(change)) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = Math.abs(change);
  switch (unit) {
    case 'seconds':
      return `${sign}${formatDuration(size)}`;
    case 'rate':
    case 'ratio':
      return `${sign}${(size * 100).toFixed(1)} pp`;
    case 'score':
      return `${sign}${size.toFixed(Math.abs(size) < 10 ? 2 : 1)}`;
    case 'count':
      return `${sign}${Math.round(size)}`;
  }
}

/** The unit of a KPI from its published name, for rows that do not carry one. */
export function unitOfKpi(kpi: string): KpiUnit {
  if (kpi.endsWith('_s')) return 'seconds';
  if (kpi === 'nps' || kpi === 'avg_sentiment') return 'score';
  if (kpi === 'backlog_open' || kpi === 'ticket_volume') return 'count';
  if (kpi === 'peak_hour_frt_degradation') return 'ratio';
  return 'rate';
}
