import {
  formatKpiChange,
  formatKpiTarget,
  formatKpiValue,
  unitOfKpi,
} from '#src/kpi/catalogue/format-kpi.ts';
import {
  type KpiDirection,
  type KpiUnit,
  kpiDirections,
  kpiUnits,
} from '#src/kpi/catalogue/kpi-catalogue.ts';

/** A `kpi_scorecard` row as the engine returns it. */
export interface ScorecardRow {
  readonly kpi: string;
  readonly breakdown?: string | null;
  readonly breakdown_value?: string | null;
  readonly period_grain?: string | null;
  readonly period_start?: string | null;
  readonly target: number | null;
  readonly actual: number | null;
  readonly previous_actual?: number | null;
  readonly change: number | null;
  readonly direction: string;
  readonly unit?: string | null;
  readonly owner: string;
  readonly frequency: string;
  readonly source: string;
  readonly status: string;
  readonly attainment?: number | null;
}

/** The catalogue's unit of the row's KPI; a KPI it does not know keeps the row's own unit, or reads as a score. */
function unitOfRow(row: ScorecardRow): KpiUnit {
  const own = kpiUnits.find((unit) => unit === row.unit);
  return unitOfKpi(row.kpi) ?? own ?? 'score';
}

const statusMark: Record<string, string> = { met: '✓ met', missed: '✗ missed', no_data: '· no data' };

/**
 * The scorecard as a plain-text table a person can read in a terminal: KPI (with its breakdown
 * cell), period, target, actual, change, owner, frequency, source, status, attainment. Durations
 * read `1 h 05 min`, rates `87.5 %`, changes of rates `+2.1 pp`, in the unit the KPI catalogue
 * declares, through the formatter the dashboard uses too (`src/kpi/catalogue/format-kpi.ts`).
 */
export function formatScorecard(rows: readonly ScorecardRow[]): string {
  const header = [
    'KPI',
    'period',
    'target',
    'actual',
    'change',
    'owner',
    'frequency',
    'source',
    'status',
    'attain.',
  ];
  const body = rows.map((r) => {
    const unit = unitOfRow(r);
    const direction: KpiDirection = kpiDirections.find((d) => d === r.direction) ?? 'none';
    const cell = r.breakdown && r.breakdown !== 'overall' ? ` (${r.breakdown_value})` : '';
    const period = r.period_start ? `${r.period_grain ?? ''} ${r.period_start}`.trim() : '';
    return [
      `${r.kpi}${cell}`,
      period,
      formatKpiTarget(r.target, unit, direction),
      formatKpiValue(r.actual, unit),
      formatKpiChange(r.change, unit),
      r.owner,
      r.frequency,
      r.source,
      statusMark[r.status] ?? r.status,
      r.attainment === null || r.attainment === undefined ? '—' : `${Math.round(r.attainment)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => [...row[i]!].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const padding = ' '.repeat(widths[i]! - [...c].length);
        return i >= 2 && i <= 4 ? padding + c : c + padding;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}
