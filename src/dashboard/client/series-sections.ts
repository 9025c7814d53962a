import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { seriesChart } from './chart-mounts.ts';
import { notPublished, section } from './page-elements.ts';

export function backlogSection(data: DashboardData): HTMLElement {
  const panel = section('backlog', 'Backlog and its ages');
  if (!data.backlog) panel.append(notPublished('backlog_daily'));
  else seriesChart(panel, data.backlog, 'line');
  return panel;
}

export function volumeSection(data: DashboardData): HTMLElement {
  const panel = section('volume', 'Tickets by hour of day (UTC)');
  if (!data.volumeByHour) panel.append(notPublished('ticket_volume_hourly'));
  else seriesChart(panel, data.volumeByHour, 'bar');
  return panel;
}

export function qualitySection(data: DashboardData): HTMLElement | null {
  if (!data.qualityIndex || data.qualityIndex.history.x.length === 0) return null;
  const panel = section('quality-index', 'Service quality index');
  seriesChart(panel, data.qualityIndex.history, 'line');
  return panel;
}
