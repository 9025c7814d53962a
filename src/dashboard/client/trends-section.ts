import type { DashboardData, KpiTrend } from '#src/dashboard/dashboard-data.ts';
import { chart, tooltip, valueAxis } from './chart-mounts.ts';
import { cellLabel } from './kpi-format.ts';
import { el, notPublished, section } from './page-elements.ts';

/** One line chart per KPI target: actual against target, period by period. */
export function trendsSection(data: DashboardData): HTMLElement {
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
