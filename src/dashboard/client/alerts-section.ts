import type { DashboardData, TableBlock } from '#src/dashboard/dashboard-data.ts';
import { labelOf } from '#src/dashboard/format-value.ts';
import { cellText, tableBox } from './data-table.ts';
import { formatValue } from './kpi-format.ts';
import { el, notPublished, section } from './page-elements.ts';

/** The active SLA alerts, or that there is none. */
export function alertsSection(data: DashboardData): HTMLElement {
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
  const shown = ALERT_COLUMNS.map(index).filter((i) => i >= 0);
  const head = el('tr', {}, ...shown.map((i) => el('th', {}, labelOf(block.columns[i] ?? ''))));
  const body = block.rows.flatMap((row) => {
    const value = (column: string) => (index(column) >= 0 ? row[index(column)] : null);
    const cells = shown.map((i) => el('td', {}, cellText(block, row, i)));
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
  return tableBox('alerts-table', head, body);
}
