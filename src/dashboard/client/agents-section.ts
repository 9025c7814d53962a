import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { labelOf } from '#src/dashboard/format-value.ts';
import { chart } from './chart-mounts.ts';
import { table } from './data-table.ts';
import { el, notPublished, section } from './page-elements.ts';

/** The agents who solved most (a bar chart of the first 15) and the whole table. */
export function agentsSection(data: DashboardData): HTMLElement {
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
