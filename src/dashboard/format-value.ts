/**
 * Numbers for people. Shared by the page (bundled into it) and the tests, so what the tests expect
 * is exactly what the reader sees. KPI values and changes are formatted by the catalogue's
 * formatter (`src/kpi/catalogue/format-kpi.ts`), the one the terminal scorecard uses; this module
 * adds what only the page shows: ids, timestamps, plain numbers, alert drivers, labels.
 */
import { formatDuration, formatKpiChange, formatKpiValue, unitOfKpi } from '#src/kpi/catalogue/format-kpi.ts';
import { type KpiUnit, kpiEntry } from '#src/kpi/catalogue/kpi-catalogue.ts';

export { formatDuration };

export type ValueUnit = 'duration' | 'rate' | 'ratio' | 'score' | 'count' | 'number' | 'id';

/** Units by name, known from the KPI catalogue; names not in it follow the naming conventions. */
export type KnownUnits = Readonly<Record<string, ValueUnit>>;

/** The display unit of a catalogue unit (`src/kpi/catalogue/kpi-catalogue.ts`). */
export function unitOfCatalogue(unit: KpiUnit): ValueUnit {
  return unit === 'seconds' ? 'duration' : unit;
}

/** The catalogue unit a display unit formats as; undefined for ids and plain numbers. */
function catalogueUnitOf(unit: ValueUnit): KpiUnit | undefined {
  if (unit === 'duration') return 'seconds';
  return unit === 'id' || unit === 'number' ? undefined : unit;
}

/**
 * The unit of a KPI or column: the one given in `known`, else the KPI catalogue's, else from the
 * naming conventions of KPIS.md (columns that are not KPIs: `*_s`, `*_id`, `*_rate`, counts).
 */
export function unitOf(name: string, known?: KnownUnits): ValueUnit {
  const catalogued = known?.[name];
  if (catalogued) return catalogued;
  const kpiUnit = unitOfKpi(name);
  if (kpiUnit) return unitOfCatalogue(kpiUnit);
  if (name.endsWith('_s')) return 'duration';
  if (name === 'id' || name.endsWith('_id')) return 'id';
  if (/(^|_)rate($|_)/.test(name)) return 'rate';
  if (name.includes('sentiment')) return 'number';
  if (/(count|volume|open|tickets|solved|made|responses|ratings|alerts)($|_)/.test(name)) return 'count';
  return 'number';
}

/** A fraction as a percentage: 0.874 → `87.4 %`. */
export function formatRate(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function formatCount(value: number): string {
  return formatKpiValue(value, 'count');
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
  const kpiUnit = catalogueUnitOf(unit);
  if (kpiUnit) return formatKpiValue(n, kpiUnit);
  return Number.isInteger(n) ? formatCount(n) : `${n < 0 ? '−' : ''}${Math.abs(n).toFixed(2)}`;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * A change between two periods, as the terminal scorecard writes it (`−1.2 pp`, `+1 min 05 s`),
 * after a ▲ / ▼ / = glyph that only decorates it: `▼ −1.2 pp`. Empty when there is none.
 */
export function formatChange(name: string, change: number | null, known?: KnownUnits): string {
  if (change === null || !Number.isFinite(change)) return '';
  const arrow = change > 0 ? '▲' : change < 0 ? '▼' : '=';
  const unit = catalogueUnitOf(unitOf(name, known)) ?? 'score';
  return `${arrow} ${formatKpiChange(change, unit)}`;
}

/** A KPI's label from the catalogue; other names by convention: `first_reply_time_p90_s` → `First reply time p90`. */
export function labelOf(name: string): string {
  const catalogued = kpiEntry(name)?.label;
  if (catalogued) return catalogued;
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
