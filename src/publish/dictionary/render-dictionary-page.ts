import type { DataDictionary, DictionaryTable } from './data-dictionary.ts';

export interface DictionaryPageOptions {
  readonly runId: string;
  readonly kpiVersion: string;
  /** Relative link back to the dashboard. @default 'index.html' */
  readonly dashboardHref?: string;
}

const styles = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d2433;color:#fff;padding:12px 24px}header a{color:#9cc3ff}
.layout{display:flex;align-items:flex-start}
nav{position:sticky;top:0;max-height:100vh;overflow:auto;min-width:230px;padding:12px 16px;border-right:1px solid #dde1e8}
nav a{display:block;color:#1d2433;text-decoration:none;padding:2px 0}nav a:hover{text-decoration:underline}

main{padding:8px 24px;flex:1;min-width:0}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;margin:16px 0;padding:8px 16px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eceff3}
code,.type{font-family:ui-monospace,monospace;font-size:12px}.meta{color:#5b6475}.test{display:inline-block;background:#eef3ff;border-radius:3px;padding:0 4px;margin:1px}
`;

/**
 * The data dictionary as one self-contained HTML page (no script, no request leaves it): a table
 * list to jump from, then per table its description, build facts, lineage, tests and
 * columns with type, description and the tests that guard each.
 */
export function renderDictionaryPage(dictionary: DataDictionary, options: DictionaryPageOptions): string {
  const tables = [...dictionary.tables].sort((a, b) => a.name.localeCompare(b.name));
  const known = new Set(tables.map((t) => t.name));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Data dictionary · ${escapeHtml(options.runId)}</title>`,
    `<style>${styles}</style>`,
    '</head>',
    '<body>',
    `<header><strong>Data dictionary</strong> · publication ${escapeHtml(options.runId)} · KPI definitions ${escapeHtml(
      options.kpiVersion,
    )} · <a href="${escapeHtml(options.dashboardHref ?? 'index.html')}">dashboard</a></header>`,
    '<div class="layout">',
    '<nav aria-label="tables">',
    `<p class="meta">${tables.length} tables, ${tables.reduce((n, t) => n + t.columns.length, 0)} columns</p>`,
    ...tables.map((t) => `<a href="#${escapeHtml(t.name)}">${escapeHtml(t.name)}</a>`),
    '</nav>',
    '<main>',
    ...tables.map((t) => renderTable(t, known)),
    '</main>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderTable(table: DictionaryTable, known: ReadonlySet<string>): string {
  const facts = [
    table.kind,
    table.materialized,
    table.partitionBy ? `partitioned by ${table.partitionBy}` : undefined,
    table.file,
  ].filter((f): f is string => f !== undefined);
  const lineage = table.upstream.map((name) =>
    known.has(name)
      ? `<a href="#${escapeHtml(name)}"><code>${escapeHtml(name)}</code></a>`
      : `<code>${escapeHtml(name)}</code>`,
  );
  return [
    `<section id="${escapeHtml(table.name)}" data-table="${escapeHtml(table.name)}">`,
    `<h2><code>${escapeHtml(table.name)}</code></h2>`,
    `<p class="description">${escapeHtml(table.description)}</p>`,
    `<p class="meta">${facts.map(escapeHtml).join(' · ')}</p>`,
    lineage.length > 0 ? `<p class="lineage">Reads: ${lineage.join(', ')}</p>` : '',
    table.tests.length > 0
      ? `<p class="tests">Tests: ${table.tests.map((t) => `<span class="test">${escapeHtml(t)}</span>`).join(' ')}</p>`
      : '',
    '<table>',
    '<thead><tr><th>column</th><th>type</th><th>description</th><th>tests</th></tr></thead>',
    '<tbody>',
    ...table.columns.map(
      (c) =>
        `<tr data-column="${escapeHtml(c.name)}"><td><code>${escapeHtml(c.name)}</code></td>` +
        `<td class="type">${escapeHtml(c.type ?? '')}</td>` +
        `<td class="column-description">${escapeHtml(c.description)}</td>` +
        `<td>${c.tests.map((t) => `<span class="test">${escapeHtml(t)}</span>`).join(' ')}</td></tr>`,
    ),
    '</tbody>',
    '</table>',
    '</section>',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
