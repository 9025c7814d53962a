import type { TableBlock } from '#src/dashboard/dashboard-data.ts';
import { labelOf } from '#src/dashboard/format-value.ts';
import { formatValue } from './kpi-format.ts';
import { el } from './page-elements.ts';

/** Values of a row that measure its KPI (an alert's actual and target) take the KPI's unit. */
const KPI_VALUE_COLUMNS = new Set(['actual', 'target', 'value', 'threshold', 'previous_actual', 'baseline']);

/** Cell `i` of `row` as text: in its KPI's unit when it measures the row's KPI, else in its column's. */
export function cellText(block: TableBlock, row: readonly unknown[], i: number): string {
  const kpiIndex = block.columns.indexOf('kpi');
  const column = block.columns[i] ?? '';
  const unitName = kpiIndex >= 0 && KPI_VALUE_COLUMNS.has(column) ? String(row[kpiIndex]) : column;
  return formatValue(unitName, row[i]);
}

/** A table of every column of `block`, inside a scrolling box. */
export function table(block: TableBlock, id: string): HTMLElement {
  const head = el('tr', {}, ...block.columns.map((c) => el('th', {}, labelOf(c))));
  const body = block.rows.map((row) =>
    el(
      'tr',
      {},
      ...row.map((_, i) => {
        const text = cellText(block, row, i);
        // Long text wraps instead of pushing the table off the page.
        return el('td', text.length > 40 ? { class: 'wrap' } : {}, text);
      }),
    ),
  );
  return tableBox(id, head, body);
}

/** A table in a box that scrolls sideways when the table is wider than the page. */
export function tableBox(id: string, head: HTMLElement, body: readonly HTMLElement[]): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap' },
    el('table', { id }, el('thead', {}, head), el('tbody', {}, ...body)),
  );
}
