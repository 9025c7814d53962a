/**
 * The dashboard page's script, bundled by esbuild with the ECharts parts it uses into the page
 * itself (no CDN: the page works offline and from `file://`). It reads the data embedded in the
 * page and draws every section; `window.echarts` is exposed so tests can inspect the charts.
 */
import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { agentsSection } from './agents-section.ts';
import { alertsSection } from './alerts-section.ts';
import { breakdownSection } from './breakdown-section.ts';
import { mountCharts } from './chart-mounts.ts';
import { header } from './header-section.ts';
import { setKpiUnits } from './kpi-format.ts';
import { scorecard } from './scorecard-section.ts';
import { backlogSection, qualitySection, volumeSection } from './series-sections.ts';
import { trendsSection } from './trends-section.ts';

function main(): void {
  const source = document.getElementById('dashboard-data');
  const data = JSON.parse(source?.textContent ?? '{}') as DashboardData;
  setKpiUnits(data.kpiUnits ?? {});
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
  mountCharts();
  window.dashboardReady = true;
}

main();
