import type { RetryEvent } from '#src/connectors/shared/api-client.ts';
import type { StreamManifest } from '#src/extract/extract-manifest.ts';

export type ExtractProgressEvent =
  | { readonly kind: 'notice'; readonly message: string }
  | {
      readonly kind: 'stream-start';
      readonly source: string;
      readonly stream: string;
      readonly cursor: unknown;
    }
  | {
      readonly kind: 'page';
      readonly source: string;
      readonly stream: string;
      readonly pageKey: string;
      readonly pages: number;
      readonly records: number;
      readonly quarantined: number;
      readonly requests: number;
      readonly elapsedMs: number;
    }
  | (RetryEvent & { readonly stream: string })
  | { readonly kind: 'stream-end'; readonly manifest: StreamManifest };

function rate(count: number, ms: number): string {
  return ms > 0 ? (count / (ms / 1000)).toFixed(1) : '–';
}

/** One human-readable progress line per event, with rates. */
export function formatProgressEvent(event: ExtractProgressEvent): string {
  switch (event.kind) {
    case 'notice':
      return `extract: ${event.message}`;
    case 'stream-start':
      return `extract ${event.source}/${event.stream}: starting from ${JSON.stringify(event.cursor)}`;
    case 'page':
      return (
        `extract ${event.source}/${event.stream}: page ${event.pages}, ${event.records} records` +
        `${event.quarantined > 0 ? ` (${event.quarantined} quarantined)` : ''}, ` +
        `${rate(event.records, event.elapsedMs)} records/s, ${rate(event.requests, event.elapsedMs)} requests/s`
      );
    case 'retry':
      return `extract ${event.source}/${event.stream}: retry ${event.attempt} of ${event.path} after ${event.reason}, waiting ${Math.round(event.waitMs)} ms`;
    case 'stream-end': {
      const m = event.manifest;
      const rows = Object.entries(m.rows)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      return (
        `extract ${m.source}/${m.stream}: ${m.status} — ${m.pages} pages, ${m.records} records` +
        ` (${rows || 'no rows'}), ${m.quarantined} quarantined, ${m.requests} requests, ${m.retries} retries,` +
        ` ${m.rateLimited} × 429, ${(m.bytes / 1e6).toFixed(1)} MB in ${(m.durationMs / 1000).toFixed(1)} s` +
        `${m.pacedMs > 0 ? ` (${(m.pacedMs / 1000).toFixed(1)} s paced)` : ''}` +
        ` (${rate(m.records, m.durationMs)} records/s)${m.error ? `\n  ${m.errorName ?? 'Error'}: ${m.error}` : ''}`
      );
    }
  }
}

/** The end-of-run summary table. */
export function formatExtractSummary(streams: readonly StreamManifest[]): string {
  const header = [
    'stream',
    'status',
    'pages',
    'records',
    'quarantined',
    'requests',
    'retries',
    '429s',
    'MB',
    's',
  ];
  const lines = streams.map((m) => [
    `${m.source}/${m.stream}`,
    m.status,
    String(m.pages),
    String(m.records),
    String(m.quarantined),
    String(m.requests),
    String(m.retries),
    String(m.rateLimited),
    (m.bytes / 1e6).toFixed(1),
    (m.durationMs / 1000).toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [row(header), ...lines.map(row)].join('\n');
}
