import type * as echarts from 'echarts/core';
import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { labelOf } from '#src/dashboard/format-value.ts';
import { chart, tooltip, valueAxis } from './chart-mounts.ts';
import { el, notPublished, section } from './page-elements.ts';

const BREAKDOWN_LABELS: Record<string, string> = {
  channel: 'Channel',
  vip_tier: 'VIP tier',
  language: 'Language',
  category: 'Contact category',
};
const DEFAULT_BREAKDOWN_KPI = 'sla_compliance_rate';

/** One bar chart per breakdown (channel, VIP tier, …) of the KPI the reader picks. */
export function breakdownSection(data: DashboardData): HTMLElement {
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
