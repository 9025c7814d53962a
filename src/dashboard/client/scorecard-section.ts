import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { cellLabel, formatKpiChange, formatValue } from './kpi-format.ts';
import { el, notPublished, section } from './page-elements.ts';

/** The scorecard: tallies, the service quality index, and one card per KPI target. */
export function scorecard(data: DashboardData): HTMLElement {
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
    const change = row.change === null ? '' : `${formatKpiChange(row.kpi, row.change)} vs previous`;
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
