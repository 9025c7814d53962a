/**
 * Benchmark: what one daily run's publish writes, before (every table exported whole, as every
 * run did) and after (incremental: only the partitions the transform changed).
 *
 *   npx tsx bench/publish-incremental.ts [--days 60] [--tickets-per-day 40]
 *
 * The whole local job (simulator → extract → transform → data tests → publish) runs on a small
 * simulated desk for `days` days, then once more with the desk one day further (a daily run). The
 * daily run's publication is incremental; the same warehouse is then published once more into an
 * empty lake, which is what every run wrote before. Objects and bytes count the table files, the
 * dashboard, the manifest and the pointer written through the object store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { createQueryEngine } from '#src/engines/create-query-engine.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';
import { type PublicationResult, publish } from '#src/publish/publish.ts';
import { formatBytes } from '#src/publish/publish-progress.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '60' },
    'tickets-per-day': { type: 'string', default: '40' },
  },
});
const days = Number(args.days);
const ticketsPerDay = Number(args['tickets-per-day']);
const dir = mkdtempSync(join(tmpdir(), 'bench-publish-'));
const env = { WAREHOUSE_HMAC_KEY: 'bench-key-for-the-publish-bench-only' };
const input = (simulatedDays: number) =>
  parseConfig({
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: { kind: 'duckdb', database: join(dir, 'warehouse.duckdb'), memoryLimit: '1GB', threads: 1 },
    stateDir: join(dir, 'state'),
    simulator: { seed: 7, startDate: '2026-08-01', days: simulatedDays, ticketsPerDay },
  });

function line(label: string, result: PublicationResult | undefined): string {
  if (!result) return `${label}: nothing published`;
  return (
    `${label.padEnd(34)} ${String(result.written.objects).padStart(4)} objects  ` +
    `${formatBytes(result.written.bytes).padStart(10)} written   ` +
    `${String(result.reused.files).padStart(4)} files ${formatBytes(result.reused.bytes).padStart(10)} reused`
  );
}

try {
  console.log(`bench: ${days} simulated days at ${ticketsPerDay} tickets/day, then one daily run`);
  const quiet = () => {};
  const first = await runPipeline({ config: input(days), runId: 'run-1', env, log: quiet });
  const daily = await runPipeline({ config: input(days + 1), runId: 'run-2', env, log: quiet });
  console.log('daily run, per table: files written (bytes) / files reused (bytes), and why all when all');
  for (const table of daily.publication?.manifest.tables ?? []) {
    const files = [...table.parquet, ...table.csv];
    const written = files.filter((f) => !f.publication);
    const reused = files.filter((f) => f.publication);
    const bytes = (list: typeof files) => formatBytes(list.reduce((sum, f) => sum + f.bytes, 0));
    console.log(
      `  ${table.name.padEnd(26)} ${String(written.length).padStart(3)} (${bytes(written).padStart(9)}) / ` +
        `${String(reused.length).padStart(3)} (${bytes(reused).padStart(9)})  ${table.partitionBy ?? 'no partitions'}`,
    );
  }
  const dashboard = daily.publication?.manifest.dashboard;
  if (dashboard) console.log(`  ${'dashboard'.padEnd(26)}   1 (${formatBytes(dashboard.bytes).padStart(9)})`);
  const config = input(days + 1);
  const engine = await createQueryEngine(config);
  let full: PublicationResult;
  try {
    full = await publish({
      config,
      engine,
      store: new LocalObjectStore(join(dir, 'full-lake')),
      runId: 'run-2-full',
      kpiVersion: daily.kpiVersion,
      dataTests: { skipped: 'bench: the same warehouse run-2 published after its data tests' },
      completenessTable: false,
    });
  } finally {
    await engine.close();
  }
  console.log(line('first run (full)', first.publication));
  console.log(line('daily run, before (full export)', full));
  console.log(line('daily run, after (incremental)', daily.publication));
  const after = daily.publication?.written;
  if (after) {
    console.log(
      `daily run writes ${((after.objects / full.written.objects) * 100).toFixed(1)} % of the objects and ` +
        `${((after.bytes / full.written.bytes) * 100).toFixed(1)} % of the bytes of a full export`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
