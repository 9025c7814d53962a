import { pathToFileURL } from 'node:url';
import type { PublicationResult, PublishProgress } from '#src/publish/publish.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/** One line per published table, then the dashboard and the switch (the CLI and `warehouse run`). */
export function printPublishProgress(
  event: PublishProgress,
  log: (line: string) => void = console.log,
): void {
  switch (event.stage) {
    case 'table': {
      const rate = event.ms > 0 ? Math.round((event.rowCount / event.ms) * 1000) : event.rowCount;
      log(
        `  ${event.table.padEnd(26)} ${String(event.rowCount).padStart(9)} rows  ${String(event.files).padStart(3)} files  ` +
          `${formatBytes(event.bytes).padStart(9)}  ${(event.ms / 1000).toFixed(2)} s (${rate.toLocaleString('en-GB')} rows/s)` +
          (event.reused > 0 ? `  ${event.reused} unchanged files reused` : ''),
      );
      return;
    }
    case 'already-current':
      log(`  ${event.runId} is the current publication already (a retried step): nothing written`);
      return;
    case 'missing':
      log(`  ${event.table.padEnd(26)} not in the warehouse: skipped`);
      return;
    case 'dashboard':
      log(`  dashboard                  ${formatBytes(event.bytes)} in ${(event.ms / 1000).toFixed(2)} s`);
      return;
    case 'switched':
      log(
        `  CURRENT → ${event.runId}${event.previousRunId ? ` (was ${event.previousRunId})` : ' (first publication)'}`,
      );
      return;
    case 'pruned':
      log(
        `  pruned ${event.runIds.length} older publication(s): ${event.runIds.join(', ')} (${event.objects} objects)`,
      );
      return;
  }
}

/**
 * The closing lines: what was published and where the dashboard is. `npm start` ends with these,
 * so a reader knows what to open (a `file://` address locally, the S3 key otherwise).
 */
export function formatPublicationSummary(result: PublicationResult, store: ObjectStore): string[] {
  const { manifest } = result;
  const rows = manifest.tables.reduce((sum, t) => sum + t.rowCount, 0);
  const files = manifest.tables.reduce((sum, t) => sum + t.parquet.length + t.csv.length, 0);
  const bytes = manifest.tables.reduce(
    (sum, t) => sum + [...t.parquet, ...t.csv].reduce((s, f) => s + f.bytes, 0),
    0,
  );
  const lines = [
    `published ${manifest.tables.length} tables (${rows.toLocaleString('en-GB')} rows, ${files} files, ${formatBytes(bytes)}) ` +
      `as run ${result.runId}, KPI definitions ${manifest.kpiVersion}`,
    `publication: ${store.uri(result.prefix.replace(/\/$/, ''))}` +
      (result.alreadyCurrent
        ? ' (current already: nothing written)'
        : ` (${result.written.objects} objects written, ${formatBytes(result.written.bytes)}; ` +
          `${result.reused.files} unchanged files reused, ${formatBytes(result.reused.bytes)})`),
  ];
  if (result.dashboardKey) {
    lines.push(
      store.kind === 'local'
        ? `dashboard: ${pathToFileURL(store.uri(result.dashboardKey)).href}`
        : `dashboard: ${store.uri(result.dashboardKey)}`,
    );
    lines.push('serve it: npm run warehouse -- serve   (http://127.0.0.1:8080/)');
  }
  return lines;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
