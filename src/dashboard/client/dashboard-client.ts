/**
 * The dashboard page's script, bundled by esbuild with the ECharts parts it uses into the page
 * itself (no CDN: the page works offline and from `file://`). It reads the data embedded in the
 * page and draws every section; `window.echarts` is exposed so tests can inspect the charts.
 */
import { BarChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { DashboardData, KpiTrend, SeriesBlock, TableBlock } from '#src/dashboard/dashboard-data.ts';
import {
  formatChange,
  formatValue as formatWithUnits,
  type KnownUnits,
  labelOf,
  unitOf as unitWithUnits,
} from '#src/dashboard/format-value.ts';

echarts.use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

declare global {
  interface Window {
    echarts: typeof echarts;
    dashboardReady: boolean;
  }
}
window.echarts = echarts;

const BREAKDOWN_LABELS: Record<string, string> = {
  channel: 'Channel',
  vip_tier: 'VIP tier',
  language: 'Language',
  category: 'Contact category',
};
const DEFAULT_BREAKDOWN_KPI = 'sla_compliance_rate';
const charts: echarts.ECharts[] = [];
let kpiUnits: KnownUnits = {};
const formatValue = (name: string, value: unknown) => formatWithUnits(name, value, kpiUnits);
const unitOf = (name: string) => unitWithUnits(name, kpiUnits);

type Child = Node | string | null | undefined;
function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return el('section', { id, class: 'panel' }, el('h2', {}, title), ...children);
}

function notPublished(table: string): HTMLElement {
  return el('p', { class: 'empty' }, `Not in this publication (${table} was not built).`);
}

/** Charts are created once their box is in the document (ECharts sizes itself from the box). */
const mounts: (() => void)[] = [];
function chart(
  parent: HTMLElement,
  option: echarts.EChartsCoreOption,
  className = 'chart',
  onMount?: (instance: echarts.ECharts) => void,
): void {
  const box = el('div', { class: className });
  parent.append(box);
  mounts.push(() => {
    const instance = echarts.init(box, undefined, { renderer: 'canvas' });
    instance.setOption({ animation: false, ...option });
    charts.push(instance);
    onMount?.(instance);
  });
}

function valueAxis(name: string): Record<string, unknown> {
  return {
    type: 'value',
    scale: unitOf(name) !== 'count',
    axisLabel: { formatter: (v: number) => formatValue(name, v) },
  };
}

function tooltip(name: string): Record<string, unknown> {
  return { trigger: 'axis', valueFormatter: (v: number | null) => formatValue(name, v) };
}

function header(data: DashboardData): HTMLElement {
  const created = new Date(data.publication.createdAt);
  return el(
    'header',
    {},
    el('h1', {}, 'Support KPIs'),
    el(
      'p',
      { class: 'meta' },
      `Publication ${data.publication.runId} · KPI definitions ${data.publication.kpiVersion} · published ${created.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    ),
    ...incompleteBanner(data),
  );
}

/** A partial publication says so above everything else: which streams are missing, since when. */
function incompleteBanner(data: DashboardData): HTMLElement[] {
  const completeness = data.publication.completeness;
  if (!completeness || completeness.complete) return [];
  const utc = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;
  return [
    el(
      'div',
      { class: 'incomplete-banner', id: 'incomplete-banner', role: 'alert' },
      el(
        'strong',
        {},
        'Incomplete data: this publication was made although some sources did not extract completely. ' +
          'Figures that depend on them are understated or stale.',
      ),
      el(
        'ul',
        {},
        ...completeness.missing.map((m) =>
          el(
            'li',
            { 'data-stream': `${m.source}/${m.stream}` },
            `${m.source}/${m.stream}: missing since ${utc(m.missingSince)}` +
              `${m.lastSucceededAt ? ` (last complete ${utc(m.lastSucceededAt)})` : ' (never complete)'} — ${m.error}`,
          ),
        ),
      ),
    ),
  ];
}

function scorecard(data: DashboardData): HTMLElement {
  const panel = section('scorecard', 'Scorecard');
  if (data.missing.includes('kpi_scorecard')) {
    panel.append(notPublished('kpi_scorecard'));
    return panel;
  }
  const met = data.scorecard.filter((r) => r.status === 'met').length;
  const missed = data.scorecard.filter((r) => r.status === 'missed').length;
  const sqi = data.qualityIndex?.latest ?? [];
  panel.append(
    el(
      'div',
      { class: 'summary' },
      el('div', { class: 'tally met', id: 'tally-met' }, el('strong', {}, String(met)), ' met'),
      el('div', { class: 'tally missed', id: 'tally-missed' }, el('strong', {}, String(missed)), ' missed'),
      el(
        'div',
        { class: 'tally no_data' },
        el('strong', {}, String(data.scorecard.length - met - missed)),
        ' no data',
      ),
      ...sqi.map((s) =>
        el(
          'div',
          { class: 'tally sqi', 'data-grain': s.grain },
          el('strong', {}, s.value === null ? '—' : s.value.toFixed(1)),
          ` service quality index (${s.grain} of ${s.periodStart})`,
        ),
      ),
    ),
  );
  const grid = el('div', { class: 'cards' });
  for (const row of data.scorecard) {
    const change = row.change === null ? '' : `${formatChange(row.kpi, row.change, kpiUnits)} vs previous`;
    grid.append(
      el(
        'article',
        {
          class: `card ${row.status}`,
          'data-kpi': row.kpi,
          'data-breakdown': row.breakdown,
          'data-breakdown-value': row.breakdownValue,
          'data-period-grain': row.periodGrain,
          'data-period-start': row.periodStart,
          'data-status': row.status,
        },
        el('h3', { title: row.kpi }, cellLabel(row)),
        el('div', { class: 'kpi-actual' }, formatValue(row.kpi, row.actual)),
        el(
          'div',
          { class: 'kpi-target' },
          `target ${row.direction === 'lower' ? '≤' : row.direction === 'higher' ? '≥' : ''} `,
          el('span', { class: 'kpi-target-value' }, formatValue(row.kpi, row.target)),
        ),
        el('div', { class: 'kpi-status' }, row.status.replace('_', ' ')),
        el('div', { class: 'kpi-change' }, change),
        el(
          'div',
          { class: 'kpi-period' },
          `${row.periodGrain} of ${row.periodStart}`,
          row.attainment === null ? '' : ` · attainment ${row.attainment.toFixed(0)}`,
        ),
      ),
    );
  }
  panel.append(grid);
  return panel;
}

/** `First reply time avg`, or `First reply time avg · chat` for a target on one breakdown cell. */
function cellLabel(cell: { kpi: string; breakdown: string; breakdownValue: string }): string {
  return cell.breakdown === 'overall' ? labelOf(cell.kpi) : `${labelOf(cell.kpi)} · ${cell.breakdownValue}`;
}

function alertsSection(data: DashboardData): HTMLElement {
  const panel = section('alerts', 'Active SLA alerts');
  if (!data.alerts) {
    panel.append(notPublished('sla_alerts'));
    return panel;
  }
  if (data.alerts.rows.length === 0) {
    panel.append(el('p', { class: 'ok' }, `No active SLA alert (${data.alerts.clearedRecently} cleared).`));
    return panel;
  }
  panel.classList.add('alerting');
  panel.append(alertsTable(data.alerts));
  return panel;
}

/** What a person reads of an alert at a glance; the rest goes on its detail line. */
const ALERT_COLUMNS = [
  'kpi',
  'status',
  'raised_at',
  'actual',
  'target',
  'threshold_pp',
  'window_hours',
  'cleared_at',
];

/**
 * The alerts, one row each, with a full-width detail line beneath: the breakdown cells that drive
 * the alert (they say which channel or tier broke, so they must never be cut off), then the
 * bookkeeping (alert id, last evaluation, KPI-definition version).
 */
function alertsTable(block: TableBlock): HTMLElement {
  const index = (column: string) => block.columns.indexOf(column);
  const kpiIndex = index('kpi');
  const shown = ALERT_COLUMNS.map(index).filter((i) => i >= 0);
  const head = el('tr', {}, ...shown.map((i) => el('th', {}, labelOf(block.columns[i] ?? ''))));
  const body = block.rows.flatMap((row) => {
    const value = (column: string) => (index(column) >= 0 ? row[index(column)] : null);
    const cells = shown.map((i) => {
      const column = block.columns[i] ?? '';
      const unitName = kpiIndex >= 0 && KPI_VALUE_COLUMNS.has(column) ? String(row[kpiIndex]) : column;
      return el('td', {}, formatValue(unitName, row[i]));
    });
    const drivers = value('drivers');
    const bookkeeping = [
      `alert ${String(value('alert_id') ?? '—')}`,
      value('last_evaluated_at')
        ? `last evaluated ${formatValue('last_evaluated_at', value('last_evaluated_at'))}`
        : null,
      value('evaluations') !== null
        ? `${formatValue('evaluations', value('evaluations'))} evaluations`
        : null,
      value('kpi_version') ? `definitions ${String(value('kpi_version'))}` : null,
    ].filter((part) => part !== null);
    return [
      el('tr', {}, ...cells),
      el(
        'tr',
        { class: 'alert-detail' },
        el(
          'td',
          { class: 'wrap', colspan: String(shown.length) },
          drivers !== null && drivers !== ''
            ? el('div', { class: 'alert-drivers' }, `Driven by: ${formatValue('drivers', drivers)}`)
            : null,
          el('div', { class: 'alert-bookkeeping' }, bookkeeping.join(' · ')),
        ),
      ),
    ];
  });
  return el(
    'div',
    { class: 'table-wrap' },
    el('table', { id: 'alerts-table' }, el('thead', {}, head), el('tbody', {}, ...body)),
  );
}

/** Values of a row that measure its KPI (an alert's actual and target) take the KPI's unit. */
const KPI_VALUE_COLUMNS = new Set(['actual', 'target', 'value', 'threshold', 'previous_actual', 'baseline']);

function table(block: TableBlock, id: string): HTMLElement {
  const kpiIndex = block.columns.indexOf('kpi');
  const head = el('tr', {}, ...block.columns.map((c) => el('th', {}, labelOf(c))));
  const body = block.rows.map((row) =>
    el(
      'tr',
      {},
      ...row.map((value, i) => {
        const column = block.columns[i] ?? '';
        const unitName = kpiIndex >= 0 && KPI_VALUE_COLUMNS.has(column) ? String(row[kpiIndex]) : column;
        const text = formatValue(unitName, value);
        // Long text wraps instead of pushing the table off the page.
        return el('td', text.length > 40 ? { class: 'wrap' } : {}, text);
      }),
    ),
  );
  return el(
    'div',
    { class: 'table-wrap' },
    el('table', { id }, el('thead', {}, head), el('tbody', {}, ...body)),
  );
}

function trendsSection(data: DashboardData): HTMLElement {
  const panel = section('trends', 'KPI trends (dashed: target)');
  if (data.missing.includes('kpi_scorecard')) {
    panel.append(notPublished('kpi_scorecard'));
    return panel;
  }
  const grid = el('div', { class: 'trend-grid' });
  panel.append(grid);
  for (const trend of data.trends) grid.append(trendCard(trend));
  return panel;
}

function trendCard(trend: KpiTrend): HTMLElement {
  const card = el(
    'div',
    { class: 'trend', 'data-kpi': trend.kpi },
    el('h3', {}, `${cellLabel(trend)} (${trend.grain})`),
  );
  const x = trend.points.map((p) => p.periodStart);
  chart(
    card,
    {
      grid: { left: 70, right: 12, top: 12, bottom: 28 },
      tooltip: tooltip(trend.kpi),
      xAxis: { type: 'category', data: x, axisLabel: { hideOverlap: true } },
      yAxis: valueAxis(trend.kpi),
      series: [
        {
          name: 'actual',
          type: 'line',
          data: trend.points.map((p) => p.actual),
          // A line needs two points: a short series shows its points so a single period is visible.
          showSymbol: trend.points.length <= 12,
          connectNulls: false,
        },
        {
          name: 'target',
          type: 'line',
          data: trend.points.map((p) => p.target),
          showSymbol: trend.points.length <= 12,
          lineStyle: { type: 'dashed', color: '#c0392b' },
          itemStyle: { color: '#c0392b' },
        },
      ],
    },
    'chart small',
  );
  return card;
}

function breakdownSection(data: DashboardData): HTMLElement {
  const panel = section('breakdowns', 'Breakdowns');
  const source = data.breakdowns;
  if (!source) {
    panel.append(notPublished('kpi_values'));
    return panel;
  }
  const kpis = [...new Set(source.values.map((v) => v.kpi))].sort();
  const initial = kpis.includes(DEFAULT_BREAKDOWN_KPI) ? DEFAULT_BREAKDOWN_KPI : (kpis[0] ?? '');
  const picker = el(
    'select',
    { id: 'breakdown-kpi' },
    ...kpis.map((k) => el('option', { value: k }, labelOf(k))),
  ) as HTMLSelectElement;
  picker.value = initial;
  panel.append(el('p', {}, `${source.periodGrain} of ${source.periodStart} · KPI `, picker));
  const grid = el('div', { class: 'breakdown-grid' });
  panel.append(grid);
  const instances: { breakdown: string; instance: echarts.ECharts }[] = [];
  const drawOne = (breakdown: string, instance: echarts.ECharts, kpi: string) => {
    const values = source.values.filter((v) => v.breakdown === breakdown && v.kpi === kpi);
    instance.setOption(
      {
        animation: false,
        grid: { left: 70, right: 12, top: 12, bottom: 50 },
        tooltip: tooltip(kpi),
        xAxis: {
          type: 'category',
          data: values.map((v) => v.value),
          axisLabel: { interval: 0, rotate: values.length > 6 ? 35 : 0 },
        },
        yAxis: { ...valueAxis(kpi), scale: false },
        series: [
          {
            name: labelOf(kpi),
            type: 'bar',
            data: values.map((v) => v.actual),
            itemStyle: { color: '#2e6da4' },
          },
        ],
      },
      { notMerge: true },
    );
  };
  for (const breakdown of Object.keys(BREAKDOWN_LABELS)) {
    const card = el(
      'div',
      { class: 'breakdown', 'data-breakdown': breakdown },
      el('h3', {}, BREAKDOWN_LABELS[breakdown] ?? breakdown),
    );
    grid.append(card);
    chart(card, {}, 'chart', (instance) => {
      instances.push({ breakdown, instance });
      drawOne(breakdown, instance, picker.value);
    });
  }
  const draw = (kpi: string) => {
    for (const { breakdown, instance } of instances) drawOne(breakdown, instance, kpi);
  };
  picker.addEventListener('change', () => draw(picker.value));
  return panel;
}

function seriesChart(parent: HTMLElement, block: SeriesBlock, kind: 'line' | 'bar'): void {
  const durations = block.series.filter((s) => unitOf(s.name) === 'duration');
  const others = block.series.filter((s) => unitOf(s.name) !== 'duration');
  const axes = [others[0]?.name, durations[0]?.name].filter((n): n is string => n !== undefined);
  chart(parent, {
    grid: { left: 70, right: axes.length > 1 ? 80 : 16, top: 36, bottom: 28 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: block.x, axisLabel: { hideOverlap: true } },
    yAxis: axes.map((name) => ({ ...valueAxis(name), scale: false })),
    series: block.series.map((s) => ({
      name: labelOf(s.name),
      type: kind,
      showSymbol: block.x.length <= 12,
      yAxisIndex: axes.length > 1 && unitOf(s.name) === 'duration' ? 1 : 0,
      data: s.values,
      tooltip: { valueFormatter: (v: number | null) => formatValue(s.name, v) },
    })),
  });
}

function backlogSection(data: DashboardData): HTMLElement {
  const panel = section('backlog', 'Backlog and its ages');
  if (!data.backlog) panel.append(notPublished('backlog_daily'));
  else seriesChart(panel, data.backlog, 'line');
  return panel;
}

function volumeSection(data: DashboardData): HTMLElement {
  const panel = section('volume', 'Tickets by hour of day (UTC)');
  if (!data.volumeByHour) panel.append(notPublished('ticket_volume_hourly'));
  else seriesChart(panel, data.volumeByHour, 'bar');
  return panel;
}

function qualitySection(data: DashboardData): HTMLElement | null {
  if (!data.qualityIndex || data.qualityIndex.history.x.length === 0) return null;
  const panel = section('quality-index', 'Service quality index');
  seriesChart(panel, data.qualityIndex.history, 'line');
  return panel;
}

function agentsSection(data: DashboardData): HTMLElement {
  const panel = section('agents', 'Agent performance');
  const agents = data.agents;
  if (!agents) {
    panel.append(notPublished('agent_performance'));
    return panel;
  }
  panel.append(el('p', {}, agents.period));
  if (agents.solvedColumn) {
    const nameIndex = agents.columns.indexOf(agents.nameColumn);
    const solvedIndex = agents.columns.indexOf(agents.solvedColumn);
    const top = agents.rows.slice(0, 15).reverse();
    chart(panel, {
      grid: { left: 140, right: 24, top: 8, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value' },
      yAxis: {
        type: 'category',
        // An id alone reads as a number: say what it is.
        data: top.map(
          (r) => `${agents.nameColumn.endsWith('_id') ? 'agent ' : ''}${String(r[nameIndex] ?? '')}`,
        ),
      },
      series: [
        {
          name: labelOf(agents.solvedColumn),
          type: 'bar',
          data: top.map((r) => r[solvedIndex]),
          itemStyle: { color: '#27ae60' },
        },
      ],
    });
  }
  panel.append(table(agents, 'agents-table'));
  return panel;
}

function main(): void {
  const source = document.getElementById('dashboard-data');
  const data = JSON.parse(source?.textContent ?? '{}') as DashboardData;
  kpiUnits = data.kpiUnits ?? {};
  const root = document.getElementById('app') ?? document.body;
  root.append(header(data), scorecard(data));
  root.append(alertsSection(data));
  const quality = qualitySection(data);
  if (quality) root.append(quality);
  root.append(
    trendsSection(data),
    breakdownSection(data),
    backlogSection(data),
    volumeSection(data),
    agentsSection(data),
  );
  for (const mount of mounts) mount();
  window.addEventListener('resize', () => {
    for (const instance of charts) instance.resize();
  });
  window.dashboardReady = true;
}

main();
