/**
 * Numbers for people. Shared by the page (bundled into it) and the tests, so what the tests expect
 * is exactly what the reader sees.
 */
import { formatDuration } from '#src/shared/format-duration.ts';

export { formatDuration };

export type ValueUnit = 'duration' | 'rate' | 'ratio_change' | 'score' | 'count' | 'number' | 'id';

const RATE_NAMES = new Set(['post_contact_retention_30d']);

/** Units by name, known from the KPI catalogue; names not in it follow the naming conventions. */
export type KnownUnits = Readonly<Record<string, ValueUnit>>;

/** The display unit of a catalogue unit (`src/kpi/kpi-config.ts`). */
export function unitOfCatalogue(unit: 'seconds' | 'rate' | 'ratio' | 'score' | 'count'): ValueUnit {
  switch (unit) {
    case 'seconds':
      return 'duration';
    case 'rate':
      return 'rate';
    case 'ratio':
      return 'ratio_change';
    case 'score':
      return 'score';
    case 'count':
      return 'count';
  }
}

/** The unit of a KPI or column: the catalogue's if known, else from the naming conventions of KPIS.md. */
export function unitOf(name: string, known?: KnownUnits): ValueUnit {
  const catalogued = known?.[name];
  if (catalogued) return catalogued;
  if (name.endsWith('_s')) return 'duration';
  if (name === 'id' || name.endsWith('_id')) return 'id';
  if (name === 'peak_hour_frt_degradation') return 'ratio_change';
  if (name === 'nps') return 'score';
  if (/(^|_)rate($|_)/.test(name) || RATE_NAMES.has(name)) return 'rate';
  if (name === 'avg_sentiment' || name.includes('sentiment')) return 'number';
  if (/(count|volume|open|tickets|solved|made|responses|ratings|alerts)($|_)/.test(name)) return 'count';
  return 'number';
}

/** A fraction as a percentage: 0.874 → `87.4 %`. */
export function formatRate(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-GB');
}

/** Any value of a KPI or column, by its unit; null and non-numbers as `—` or the text itself. */
export function formatValue(name: string, value: unknown, known?: KnownUnits): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' && ISO_TIMESTAMP.test(value))
    return `${value.slice(0, 10)} ${value.slice(11, 16)} UTC`;
  if (typeof value === 'string' && value.startsWith('[{')) return formatCells(value);
  if (typeof value === 'string' && !/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value)) return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const unit = unitOf(name, known);
  if (unit === 'id') return String(value);
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  switch (unit) {
    case 'duration':
      return formatDuration(n);
    case 'rate':
      return formatRate(n);
    case 'ratio_change':
      return `${n >= 0 ? '+' : '−'}${formatRate(Math.abs(n))}`;
    case 'score':
      return n.toFixed(Math.abs(n) < 10 ? 2 : 1);
    case 'count':
      return formatCount(n);
    case 'number':
      return Number.isInteger(n) ? formatCount(n) : n.toFixed(2);
  }
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A change between two periods: rates in percentage points, everything else in its own unit. */
export function formatChange(name: string, change: number | null, known?: KnownUnits): string {
  if (change === null || !Number.isFinite(change)) return '';
  const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '=';
  const unit = unitOf(name, known);
  const size =
    unit === 'rate' || unit === 'ratio_change'
      ? `${(Math.abs(change) * 100).toFixed(1)} pp`
      : formatValue(name, Math.abs(change), known);
  return `${arrow} ${size}`;
}

/** `first_reply_time_p90_s` → `First reply time p90`. */
export function labelOf(name: string): string {
  const words = name
    .replace(/_s$/, '')
    .replace(/^fcr_/, 'FCR_')
    .replace(/^nps$/, 'NPS')
    .replace(/^kpi(_|$)/, 'KPI$1')
    .replace(/^aht$/, 'AHT')
    .replace(/^csat_/, 'CSAT_')
    .replace(/_frt_/, '_FRT_')
    .replace(/^sla_/, 'SLA_')
    .replace(/_sla_/, '_SLA_')
    .split('_')
    .filter(Boolean);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Breakdown cells stored as JSON (an alert's drivers: `[{"breakdown":"channel","value":"chat",
 * "rate":0.63,"breached":12,…}]`) as one line: `channel=chat 63.0 % (12 breached); …`.
 */
export function formatCells(json: string): string {
  let cells: unknown;
  try {
    cells = JSON.parse(json);
  } catch {
    return json;
  }
  if (!Array.isArray(cells)) return json;
  return cells
    .map((cell: Record<string, unknown>) => {
      if (typeof cell !== 'object' || cell === null || !('breakdown' in cell)) return JSON.stringify(cell);
      const rate = typeof cell.rate === 'number' ? ` ${formatRate(cell.rate)}` : '';
      const breached = typeof cell.breached === 'number' ? ` (${cell.breached} breached)` : '';
      return `${String(cell.breakdown)}=${String(cell.value)}${rate}${breached}`;
    })
    .join('; ');
}
