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
import type { SeriesBlock } from '#src/dashboard/dashboard-data.ts';
import { labelOf } from '#src/dashboard/format-value.ts';
import { formatValue, unitOf } from './kpi-format.ts';
import { el } from './page-elements.ts';

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

const charts: echarts.ECharts[] = [];

/** Charts are created once their box is in the document (ECharts sizes itself from the box). */
const mounts: (() => void)[] = [];

/** A chart box in `parent`, drawn by `mountCharts` once the page is in the document. */
export function chart(
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

/** Draws every chart (the page is in the document) and keeps them sized to the window. */
export function mountCharts(): void {
  for (const mount of mounts) mount();
  window.addEventListener('resize', () => {
    for (const instance of charts) instance.resize();
  });
}

/** A value axis labelled in the unit of `name`; counts start at zero. */
export function valueAxis(name: string): Record<string, unknown> {
  return {
    type: 'value',
    scale: unitOf(name) !== 'count',
    axisLabel: { formatter: (v: number) => formatValue(name, v) },
  };
}

export function tooltip(name: string): Record<string, unknown> {
  return { trigger: 'axis', valueFormatter: (v: number | null) => formatValue(name, v) };
}

/** Series over one x axis; durations get a second axis of their own beside the others. */
export function seriesChart(parent: HTMLElement, block: SeriesBlock, kind: 'line' | 'bar'): void {
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
