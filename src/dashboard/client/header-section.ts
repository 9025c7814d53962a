import type { DashboardData } from '#src/dashboard/dashboard-data.ts';
import { el } from './page-elements.ts';

/** The page's title and which publication it shows. */
export function header(data: DashboardData): HTMLElement {
  const created = new Date(data.publication.createdAt);
  return el(
    'header',
    {},
    el('h1', {}, 'Support KPIs'),
    el(
      'p',
      { class: 'meta' },
      `Publication ${data.publication.runId} · KPI definitions ${data.publication.kpiVersion} · published ${created.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    ),
    ...incompleteBanner(data),
  );
}

/** A partial publication says so above everything else: which streams are missing, since when. */
function incompleteBanner(data: DashboardData): HTMLElement[] {
  const completeness = data.publication.completeness;
  if (!completeness || completeness.complete) return [];
  const utc = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;
  return [
    el(
      'div',
      { class: 'incomplete-banner', id: 'incomplete-banner', role: 'alert' },
      el(
        'strong',
        {},
        'Incomplete data: this publication was made although some sources did not extract completely. ' +
          'Figures that depend on them are understated or stale.',
      ),
      el(
        'ul',
        {},
        ...completeness.missing.map((m) =>
          el(
            'li',
            { 'data-stream': `${m.source}/${m.stream}` },
            `${m.source}/${m.stream}: missing since ${utc(m.missingSince)}` +
              `${m.lastSucceededAt ? ` (last complete ${utc(m.lastSucceededAt)})` : ' (never complete)'} — ${m.error}`,
          ),
        ),
      ),
    ),
  ];
}
