import { fileURLToPath } from 'node:url';
import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { dashboardStyles } from '#src/dashboard/dashboard-styles.ts';

export interface BuildDashboardOptions {
  readonly data: DashboardData;
  /** Page title. @default 'Support KPIs' */
  readonly title?: string;
  /** Relative link to the publication's data dictionary page, shown above the dashboard when given. */
  readonly dictionaryHref?: string;
}

const CLIENT_ENTRY = fileURLToPath(new URL('./client/dashboard-client.ts', import.meta.url));

let clientBundle: Promise<string> | undefined;

/** The page's script (ECharts included), bundled once per process. */
export function bundleDashboardClient(): Promise<string> {
  clientBundle ??= (async () => {
    // esbuild is a build tool: loaded only when a dashboard is built, never by readers.
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [CLIENT_ENTRY],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: ['es2020'],
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no dashboard bundle');
    return output.text;
  })();
  clientBundle.catch(() => {
    clientBundle = undefined;
  });
  return clientBundle;
}

/**
 * One self-contained HTML page: styles, the bundled script and the data (JSON) inline, so it opens
 * offline from `file://`, is served as is by `warehouse serve`, and is written with one atomic put.
 */
export async function buildDashboard(options: BuildDashboardOptions): Promise<string> {
  const script = await bundleDashboardClient();
  const title = options.title ?? 'Support KPIs';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} · ${escapeHtml(options.data.publication.runId)}</title>`,
    `<style>${dashboardStyles}</style>`,
    '</head>',
    '<body>',
    options.dictionaryHref
      ? `<nav style="padding:6px 16px;font:13px system-ui,sans-serif"><a id="data-dictionary-link" href="${escapeHtml(options.dictionaryHref)}">Data dictionary</a> (every published table and column)</nav>`
      : '',
    '<main id="app"></main>',
    `<script type="application/json" id="dashboard-data">${embedJson(options.data)}</script>`,
    `<script>${script.replaceAll('</script', '<\\/script')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** JSON inside a script element: `<` escaped so no value can close the element. */
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
