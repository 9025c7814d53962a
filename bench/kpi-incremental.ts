/**
 * Benchmark of the real KPI models on the local Athena: simulate N months of the desk, extract and
 * build everything (full rebuild), then move the simulator's clock one day on, extract that day and
 * build incrementally, `--days` times. Prints, per run, the statements the engine ran, the bytes
 * they scanned and the bytes Athena bills for them (10 MB minimum per billed query, whole
 * megabytes, DDL free), per model for the first day, and the ratios against the targets (≤ 5 % of
 * the bytes, ≤ 10 % of the time).
 *
 *   npx tsx bench/kpi-incremental.ts [--months 3] [--tickets-per-day 50] [--seed 42] [--days 1] [--top 12]
 *
 * Every figure is the engine's own accounting, not a model of the SQL: the transform runs with
 * `engine: athena` against the local Athena and S3 (s3rver) on loopback, and each statement is
 * billed what the local Athena reports for it (GetQueryExecution's DataScannedInBytes, measured
 * from DuckDB's profile of the statement by src/engines/athena/local/local-athena-accounting.ts:
 * the Parquet column chunks of the partitions the scan kept, landing files whole). A statement is
 * the model's whose build was running when it finished; landing sources, seeds and bookkeeping are
 * `(runner)`. Time is the local engine's, not Athena's (see bench/athena-daily-cost.ts for the
 * whole daily chain with Athena's per-query latency).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '#simulator/start-simulator.ts';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { billedBytes, dollarsFor } from '#src/engines/athena/local/local-athena-accounting.ts';
import {
  type LocalAthenaStatementEvent,
  startLocalAthena,
} from '#src/engines/athena/local/start-local-athena.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { runTransform, type TransformResult } from '#src/models/run-transform.ts';
import { createObjectStore } from '#src/stores/create-object-store.ts';
import { startS3Server } from '#tests/stores/start-s3-server.ts';
import { localAthenaSections } from './local-athena-sections.ts';

const { values: args } = parseArgs({
  options: {
    months: { type: 'string', default: '3' },
    'tickets-per-day': { type: 'string', default: '50' },
    seed: { type: 'string', default: '42' },
    days: { type: 'string', default: '1' },
    top: { type: 'string', default: '12' },
  },
});
const months = Number(args.months);
const ticketsPerDay = Number(args['tickets-per-day']);
const incrementalDays = Number(args.days);
const top = Number(args.top);
const HMAC_KEY = 'bench-hmac-key-0123456789abcdef';
const DAY_MS = 86_400_000;
const RUNNER = '(runner)';
/** Statement kinds Athena does not bill (the local Athena's classification). */
const DDL_KINDS = new Set([
  'create-database',
  'create-external-table',
  'create-table',
  'create-view',
  'drop-table',
  'drop-view',
  'alter-table-rename',
  'other',
]);

/** What a set of statements cost. */
interface Bill {
  statements: number;
  billedStatements: number;
  scanned: number;
  billed: number;
}

const emptyBill = (): Bill => ({ statements: 0, billedStatements: 0, scanned: 0, billed: 0 });

/** A statement the local Athena finished, and the model being built then. */
interface Billed extends LocalAthenaStatementEvent {
  readonly model: string;
}

function add(bill: Bill, s: LocalAthenaStatementEvent): void {
  const billed = billedBytes(s.dataScannedBytes, {
    ddl: DDL_KINDS.has(s.kind ?? 'other'),
    failed: s.state !== 'SUCCEEDED',
  });
  bill.statements++;
  bill.scanned += s.dataScannedBytes;
  bill.billed += billed;
  if (billed > 0) bill.billedStatements++;
}

/** The run's bill in total and per model. */
function billOf(statements: readonly Billed[]): { total: Bill; perModel: Map<string, Bill> } {
  const total = emptyBill();
  const perModel = new Map<string, Bill>();
  for (const s of statements) {
    add(total, s);
    const own = perModel.get(s.model) ?? emptyBill();
    add(own, s);
    perModel.set(s.model, own);
  }
  return { total, perModel };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const usd = (dollars: number) => `$${dollars.toFixed(4)}`;
const line = (label: string, b: Bill, seconds?: number) =>
  `${label.padEnd(30)} ${String(b.statements).padStart(10)} ${String(b.billedStatements).padStart(7)} ` +
  `${mib(b.scanned).padStart(13)} ${mib(b.billed).padStart(13)} ${usd(dollarsFor(b.billed)).padStart(9)}` +
  (seconds === undefined ? '' : ` ${seconds.toFixed(1).padStart(8)} s`);
const HEADER = `${''.padEnd(30)} ${'statements'.padStart(10)} ${'billed'.padStart(7)} ${'scanned'.padStart(13)} ${'billed bytes'.padStart(13)} ${'dollars'.padStart(9)}`;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-kpi-'));
  const s3 = await startS3Server('lake-bench-kpi');
  const statements: Billed[] = [];
  let building = RUNNER;
  const athena = await startLocalAthena({
    s3Endpoint: s3.endpoint,
    onStatement: (event) => statements.push({ ...event, model: building }),
  });
  const startDate = '2026-01-01';
  // The fast simulator has no rate limits: pacing off, as `warehouse run` does for it.
  const unpaced = { startDate, requestsPerMinute: 1e6, apiRequestsPerMinute: 1e6 };
  const config = parseConfig({
    ...localAthenaSections(s3, athena.endpoint),
    stateDir: join(root, 'state'),
    sources: {
      zendesk: unpaced,
      hubspot: { startDate, requestsPer10s: 1e6, searchRequestsPerSecond: 1e6 },
    },
  });
  if (config.engine.kind !== 'athena') throw new Error('the bench runs on the local Athena');
  const store = createObjectStore(config.lake);
  const engine = AthenaEngine.fromConfig(config.engine);
  const days = Math.round(months * 30.4);
  const historyEnd = new Date(Date.parse(`${startDate}T00:00:00Z`) + days * DAY_MS);
  const sim = await startSimulator({
    seed: Number(args.seed),
    startDate,
    days: days + incrementalDays,
    ticketsPerDay,
    fast: true,
    now: historyEnd.toISOString(),
  });
  const endpoints = {
    zendesk: {
      baseUrl: sim.zendeskUrl,
      credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
    },
    hubspot: { baseUrl: sim.hubspotUrl, credentials: { token: sim.credentials.hubspotToken } },
  };

  /** Extract up to the simulator's now, then build (full or incremental); the statements it ran. */
  const run = async (runId: string, full: boolean) => {
    const extractStarted = performance.now();
    await runExtraction({
      config,
      store,
      runId: `${runId}-extract`,
      endpoints,
      hmacKey: HMAC_KEY,
      now: () => sim.clock.now(),
    });
    const extractSeconds = (performance.now() - extractStarted) / 1000;
    statements.length = 0;
    building = RUNNER;
    const started = performance.now();
    const result: TransformResult = await runTransform({
      engine,
      store,
      runId,
      full,
      seeds: buildSeeds(config, { now: sim.clock.now() }),
      now: sim.clock.now(),
      onProgress: (event) => {
        if (event.stage === 'model-start') building = event.model;
        if (event.stage === 'model-done') building = RUNNER;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const ran = [...statements];
    console.log(
      `  ${runId}: extracted in ${extractSeconds.toFixed(1)} s, built in ${seconds.toFixed(1)} s, ${ran.length} statements`,
    );
    const failed = ran.filter((s) => s.state !== 'SUCCEEDED');
    if (failed.length > 0)
      throw new Error(`${runId}: ${failed.length} statements failed; first: ${failed[0]?.error}`);
    return { result, seconds, extractSeconds, ...billOf(ran) };
  };

  try {
    console.log(
      `simulating ${months} months × ${ticketsPerDay} tickets/day (${days} days) up to ${historyEnd.toISOString()}; local Athena`,
    );
    const full = await run('bench-full', true);
    const dayRuns: Awaited<ReturnType<typeof run>>[] = [];
    for (let n = 1; n <= incrementalDays; n++) {
      sim.clock.advance(DAY_MS);
      dayRuns.push(await run(`bench-day-${n}`, false));
    }
    const first = dayRuns[0];
    if (!first) return;

    console.log('');
    console.log(`${HEADER} ${'time'.padStart(10)}`);
    console.log(line('full rebuild', full.total, full.seconds));
    dayRuns.forEach((day, i) => {
      const months = day.result.models.find((m) => m.model === 'kpi_values')?.partitions?.join(' ') ?? 'all';
      console.log(`${line(`day ${i + 1}`, day.total, day.seconds)}  kpi_values months: ${months}`);
    });

    console.log('');
    console.log(
      `the ${top} costliest models of day 1 (billed bytes), and what the full rebuild billed them:`,
    );
    console.log(`${HEADER}   full billed`);
    const ranked = [...first.perModel.entries()].sort(
      (a, b) => b[1].billed - a[1].billed || b[1].scanned - a[1].scanned,
    );
    for (const [model, bill] of ranked.slice(0, top)) {
      console.log(`${line(model, bill)} ${mib(full.perModel.get(model)?.billed ?? 0).padStart(13)}`);
    }
    const minimumOnly = ranked.filter(
      ([, b]) => b.billedStatements > 0 && b.billed === b.billedStatements * 10 * 1024 * 1024,
    );
    console.log(
      `  ${minimumOnly.length} of ${ranked.length} models of day 1 are billed only the 10 MB minimum per query`,
    );

    const ratio = (day: Awaited<ReturnType<typeof run>>) => ({
      bytes: day.total.billed / full.total.billed,
      scanned: day.total.scanned / full.total.scanned,
      time: day.seconds / full.seconds,
    });
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    };
    const ratios = dayRuns.map(ratio);
    console.log('');
    console.log(
      `incremental day (median of ${ratios.length}): ${(100 * median(ratios.map((r) => r.bytes))).toFixed(2)} % of the billed bytes, ` +
        `${(100 * median(ratios.map((r) => r.scanned))).toFixed(2)} % of the scanned bytes (target ≤ 5 %), ` +
        `${(100 * median(ratios.map((r) => r.time))).toFixed(1)} % of the transform time (target ≤ 10 %)`,
    );
  } finally {
    await engine.close();
    await sim.close();
    await athena.close();
    await s3.close();
    if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
await main();
