import type {
  BreakdownValue,
  Cell,
  DashboardData,
  KpiTrend,
  ScorecardEntry,
  SeriesBlock,
} from '#src/dashboard/dashboard-data.ts';
import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';
import type { QueryEngine, Row } from '#src/engines/query-engine.ts';

export interface LoadDashboardDataOptions {
  readonly engine: QueryEngine;
  /** Tables present in the publication; sections over other tables say "not published". */
  readonly publishedTables: readonly string[];
  readonly trendDays: number;
  readonly publication: DashboardData['publication'];
  /** Display units of the KPI catalogue. @default none: units follow the KPI names */
  readonly kpiUnits?: DashboardData['kpiUnits'];
}

/** Breakdowns the dashboard charts (KPIS.md: "every aggregate is also broken down by …"). */
export const DASHBOARD_BREAKDOWNS = ['channel', 'vip_tier', 'language', 'category'] as const;

const GRAIN_OF_FREQUENCY: Record<string, string> = { daily: 'day', weekly: 'week' };
const GRAIN_DAYS: Record<string, number> = { day: 1, week: 7, month: 30 };
const AGENT_ROWS = 200;

/**
 * Read what the dashboard shows, through the engine, with queries both engines run. The marts'
 * contract columns are read by name (`kpi_scorecard`, `kpi_values`); for the operational marts
 * (backlog, hourly volume, agents, alerts) columns are picked by their naming conventions, so a
 * renamed or added column changes the page without breaking it.
 */
export async function loadDashboardData(options: LoadDashboardDataOptions): Promise<DashboardData> {
  const { engine, trendDays } = options;
  const has = (table: string) => options.publishedTables.includes(table);
  const select = async (sql: string) => (await engine.execute(sql)).rows;
  const columnsOf = async (table: string) =>
    (await engine.execute(`SELECT * FROM ${quoteIdentifier(table)} LIMIT 0`)).columns;

  const wanted = [
    'kpi_scorecard',
    'service_quality_index',
    'kpi_values',
    'backlog_daily',
    'ticket_volume_hourly',
    'agent_performance',
    'sla_alerts',
  ];
  const missing = wanted.filter((t) => !has(t));

  let scorecard: ScorecardEntry[] = [];
  let trends: KpiTrend[] = [];
  if (has('kpi_scorecard')) {
    const rows = (await select('SELECT * FROM kpi_scorecard')).map(toScorecardEntry);
    ({ scorecard, trends } = pickScorecard(rows, trendDays));
  }

  return {
    publication: options.publication,
    kpiUnits: options.kpiUnits ?? {},
    scorecard,
    trends,
    qualityIndex: has('service_quality_index')
      ? qualityIndex(await select('SELECT * FROM service_quality_index'))
      : null,
    breakdowns: has('kpi_values') ? await breakdowns(select) : null,
    backlog: has('backlog_daily') ? backlog(await select('SELECT * FROM backlog_daily'), trendDays) : null,
    volumeByHour: has('ticket_volume_hourly')
      ? await volumeByHour(await columnsOf('ticket_volume_hourly'), select)
      : null,
    agents: has('agent_performance') ? agents(await select('SELECT * FROM agent_performance')) : null,
    alerts: has('sla_alerts') ? alerts(await select('SELECT * FROM sla_alerts')) : null,
    missing,
  };
}

function toScorecardEntry(row: Row): ScorecardEntry {
  return {
    kpi: String(row.kpi),
    // A KPI's targets may be per breakdown cell (first reply: chat ≤ 60 s, email ≤ 4 h).
    breakdown: String(row.breakdown ?? 'overall'),
    breakdownValue: String(row.breakdown_value ?? 'all'),
    periodGrain: String(row.period_grain),
    periodStart: String(row.period_start),
    target: num(row.target),
    actual: num(row.actual),
    previousActual: num(row.previous_actual),
    change: num(row.change),
    direction: str(row.direction),
    status: String(row.status ?? 'no_data'),
    attainment: num(row.attainment),
    owner: str(row.owner),
    frequency: str(row.frequency),
  };
}

/**
 * Per KPI target cell (the KPI, or the KPI in one breakdown cell when its target is per cell), the
 * latest period at the grain of its reporting frequency (daily → day, weekly → week,
 * anything rarer → month; another grain if that one is absent), and the trend of that grain.
 */
export function pickScorecard(
  rows: readonly ScorecardEntry[],
  trendDays: number,
): { scorecard: ScorecardEntry[]; trends: KpiTrend[] } {
  const byCell = new Map<string, ScorecardEntry[]>();
  for (const row of rows) {
    const key = cellKey(row);
    byCell.set(key, [...(byCell.get(key) ?? []), row]);
  }
  const scorecard: ScorecardEntry[] = [];
  const trends: KpiTrend[] = [];
  for (const kpiRows of byCell.values()) {
    const preferred = GRAIN_OF_FREQUENCY[kpiRows[0]?.frequency ?? ''] ?? 'month';
    const grains = [preferred, 'day', 'week', 'month'];
    const grain =
      grains.find((g) => kpiRows.some((r) => r.periodGrain === g)) ?? kpiRows[0]?.periodGrain ?? preferred;
    const series = kpiRows
      .filter((r) => r.periodGrain === grain)
      .sort((a, b) => cmp(a.periodStart, b.periodStart));
    const latest = series.at(-1);
    if (!latest) continue;
    scorecard.push(latest);
    const periods = Math.max(6, Math.ceil(trendDays / (GRAIN_DAYS[grain] ?? 30)));
    trends.push({
      kpi: latest.kpi,
      breakdown: latest.breakdown,
      breakdownValue: latest.breakdownValue,
      grain,
      points: series
        .slice(-periods)
        .map((r) => ({ periodStart: r.periodStart, actual: r.actual, target: r.target })),
    });
  }
  scorecard.sort((a, b) => cmp(cellKey(a), cellKey(b)));
  trends.sort((a, b) => cmp(cellKey(a), cellKey(b)));
  return { scorecard, trends };
}

/** Overall first, then the KPI's cells: `kpi|0|` sorts before `kpi|1|channel|chat`. */
function cellKey(entry: { kpi: string; breakdown: string; breakdownValue: string }): string {
  return entry.breakdown === 'overall'
    ? `${entry.kpi}|0|`
    : `${entry.kpi}|1|${entry.breakdown}|${entry.breakdownValue}`;
}

function qualityIndex(rows: readonly Row[]): DashboardData['qualityIndex'] {
  const first = rows[0];
  if (!first) return { latest: [], history: { x: [], series: [] } };
  const valueColumn =
    ['service_quality_index', 'sqi', 'quality_index', 'index_value', 'value'].find((c) => c in first) ??
    Object.keys(first).find((c) => typeof first[c] === 'number' && !/weight|count|kpis/.test(c));
  if (!valueColumn) return null;
  const grainOf = (r: Row) => String(r.period_grain ?? 'day');
  const byGrain = new Map<string, Row[]>();
  for (const row of rows) byGrain.set(grainOf(row), [...(byGrain.get(grainOf(row)) ?? []), row]);
  const latest = [...byGrain.entries()]
    .map(([grain, grainRows]) => {
      const last = [...grainRows].sort((a, b) => cmp(String(a.period_start), String(b.period_start))).at(-1);
      return { grain, periodStart: String(last?.period_start ?? ''), value: num(last?.[valueColumn]) };
    })
    .sort((a, b) => (GRAIN_DAYS[a.grain] ?? 99) - (GRAIN_DAYS[b.grain] ?? 99));
  const historyGrain = ['week', 'day', 'month'].find((g) => byGrain.has(g)) ?? latest[0]?.grain ?? 'day';
  const history = [...(byGrain.get(historyGrain) ?? [])]
    .sort((a, b) => cmp(String(a.period_start), String(b.period_start)))
    .slice(-52);
  return {
    latest,
    history: {
      x: history.map((r) => String(r.period_start)),
      series: [
        { name: `Service quality index (${historyGrain})`, values: history.map((r) => num(r[valueColumn])) },
      ],
    },
  };
}

async function breakdowns(
  select: (sql: string) => Promise<readonly Row[]>,
): Promise<DashboardData['breakdowns']> {
  const latest = await select(
    "SELECT max(period_start) AS period_start FROM kpi_values WHERE period_grain = 'month'",
  );
  const periodStart = latest[0]?.period_start;
  if (periodStart === null || periodStart === undefined) return null;
  const rows = await select(
    'SELECT breakdown, breakdown_value, kpi, value FROM kpi_values ' +
      `WHERE period_grain = 'month' AND period_start = DATE ${quoteString(String(periodStart))} ` +
      `AND breakdown IN (${DASHBOARD_BREAKDOWNS.map(quoteString).join(', ')})`,
  );
  const values: BreakdownValue[] = rows
    .map((r) => ({
      breakdown: String(r.breakdown),
      value: String(r.breakdown_value),
      kpi: String(r.kpi),
      actual: num(r.value),
    }))
    .sort((a, b) => cmp(`${a.breakdown}|${a.kpi}|${a.value}`, `${b.breakdown}|${b.kpi}|${b.value}`));
  return { periodGrain: 'month', periodStart: String(periodStart), values };
}

function backlog(rows: readonly Row[], trendDays: number): SeriesBlock | null {
  const first = rows[0];
  if (!first) return { x: [], series: [] };
  const dateColumn = pickDateColumn(Object.keys(first));
  if (!dateColumn) return null;
  const overall = 'breakdown' in first ? rows.filter((r) => r.breakdown === 'overall') : rows;
  const sorted = [...overall]
    .sort((a, b) => cmp(String(a[dateColumn]), String(b[dateColumn])))
    .slice(-trendDays);
  const numeric = Object.keys(first).filter(
    (c) =>
      c !== dateColumn && !/grain|version|breakdown/.test(c) && sorted.some((r) => typeof r[c] === 'number'),
  );
  return {
    x: sorted.map((r) => String(r[dateColumn])),
    series: numeric.map((c) => ({ name: c, values: sorted.map((r) => num(r[c])) })),
  };
}

async function volumeByHour(
  columns: readonly string[],
  select: (sql: string) => Promise<readonly Row[]>,
): Promise<SeriesBlock | null> {
  const countColumn =
    columns.find((c) =>
      /^(ticket_count|tickets|tickets_created|ticket_volume|volume|created_count|count)$/.test(c),
    ) ?? columns.find((c) => /tickets|volume|count/.test(c));
  const hourColumn =
    columns.find((c) => /^(hour_of_day|hour|created_hour)$/.test(c)) ?? columns.find((c) => /hour/.test(c));
  if (!countColumn || !hourColumn) return null;
  const dateColumn = pickDateColumn(columns.filter((c) => c !== hourColumn));
  // Overall rows only: `breakdown = 'overall'`, or the mart's `channel = 'all'` rollup.
  const where = columns.includes('breakdown')
    ? "WHERE breakdown = 'overall'"
    : columns.includes('channel')
      ? "WHERE channel = 'all'"
      : '';
  const rows = await select(
    `SELECT ${quoteIdentifier(hourColumn)} AS hour_value, ${quoteIdentifier(countColumn)} AS tickets` +
      `${dateColumn ? `, ${quoteIdentifier(dateColumn)} AS day_value` : ''} FROM ticket_volume_hourly ${where}`,
  );
  // An hour column is either the hour of day (0–23) or the hour's start timestamp.
  const totals = new Array<number>(24).fill(0);
  const days = new Set<string>();
  for (const row of rows) {
    const value = row.hour_value;
    const text = String(value);
    const hour = typeof value === 'number' ? value : Number(text.slice(11, 13));
    const day = row.day_value ?? (typeof value === 'number' ? undefined : text.slice(0, 10));
    if (day !== undefined && day !== null) days.add(String(day));
    if (Number.isInteger(hour) && hour >= 0 && hour < 24)
      totals[hour] = (totals[hour] ?? 0) + (num(row.tickets) ?? 0);
  }
  const perDay = Math.max(1, days.size);
  return {
    x: totals.map((_, h) => `${String(h).padStart(2, '0')}:00`),
    series: [
      {
        name: days.size > 0 ? `tickets per day, mean of ${days.size} days` : 'tickets',
        values: totals.map((t) => Math.round((t / perDay) * 10) / 10),
      },
    ],
  };
}

function agents(rows: readonly Row[]): DashboardData['agents'] {
  const first = rows[0];
  if (!first) return null;
  const grain =
    'period_grain' in first
      ? rows.some((r) => r.period_grain === 'month')
        ? 'month'
        : String(first.period_grain)
      : undefined;
  const inGrain = grain ? rows.filter((r) => r.period_grain === grain) : rows;
  const periodColumn = 'period_start' in first ? 'period_start' : pickDateColumn(Object.keys(first));
  const period = periodColumn
    ? inGrain
        .map((r) => String(r[periodColumn]))
        .sort()
        .at(-1)
    : undefined;
  const current =
    period && periodColumn ? inGrain.filter((r) => String(r[periodColumn]) === period) : inGrain;
  const columns = Object.keys(first).filter((c) => !/grain|version/.test(c) && c !== periodColumn);
  const solvedColumn = columns.find((c) => /solved/.test(c)) ?? null;
  const nameColumn =
    columns.find((c) => /agent_name|^name$/.test(c)) ??
    columns.find((c) => /agent/.test(c)) ??
    columns[0] ??
    'agent';
  const sorted = solvedColumn
    ? [...current].sort((a, b) => (num(b[solvedColumn]) ?? 0) - (num(a[solvedColumn]) ?? 0))
    : current;
  return {
    period: `${grain ?? ''} ${period ?? ''}`.trim(),
    nameColumn,
    solvedColumn,
    columns,
    rows: sorted.slice(0, AGENT_ROWS).map((r) => columns.map((c) => cell(r[c]))),
  };
}

function alerts(rows: readonly Row[]): DashboardData['alerts'] {
  const first = rows[0];
  const columns = first ? Object.keys(first) : [];
  const isActive = (r: Row) =>
    'status' in r
      ? String(r.status) === 'active' || String(r.status) === 'open'
      : r.cleared_at === null || r.cleared_at === undefined;
  const active = rows.filter(isActive);
  const raisedColumn = columns.find((c) => /raised|opened|started/.test(c));
  if (raisedColumn) active.sort((a, b) => cmp(String(b[raisedColumn]), String(a[raisedColumn])));
  return {
    columns,
    rows: active.map((r) => columns.map((c) => cell(r[c]))),
    clearedRecently: rows.length - active.length,
  };
}

function pickDateColumn(columns: readonly string[]): string | undefined {
  return (
    columns.find((c) =>
      /^(snapshot_date|backlog_date|as_of_date|report_date|date|day|period_start)$/.test(c),
    ) ?? columns.find((c) => c.endsWith('_date'))
  );
}

function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
