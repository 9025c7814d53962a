/**
 * What a day of the warehouse costs on Athena: the whole daily chain (transform, data tests,
 * publish, SLA alert) run by the real pipeline with `engine: athena` against the local Athena and
 * S3 (s3rver) on loopback, billed from what the local Athena reports per statement
 * (GetQueryExecution's DataScannedInBytes, measured by src/engines/athena/local/local-athena-accounting.ts).
 *
 *   npx tsx bench/athena-daily-cost.ts [--tickets-per-day 300,5000] [--history-days 30]
 *     [--latency-ms 1500] [--real-latency] [--customers-per-daily-ticket 10] [--seed 42] [--no-full]
 *     [--verbose]   (the pipeline's progress lines on stderr)
 *
 * For each volume: simulate `history-days` of the desk, run the whole job once (history: extract
 * over HTTP from the simulator, build everything), then add one day and run it again (the measured
 * daily run), then a full rebuild of the same world for comparison. Statements are attributed to
 * the pipeline stage whose audit entries (`pipeline.stage` started … outcome) enclose them.
 *
 * Billing (https://aws.amazon.com/athena/pricing/): $5 per TB scanned, at least 10 MB per query,
 * whole megabytes; DDL (CREATE/DROP/ALTER, views) and failed queries free; CTAS, INSERT, MERGE,
 * UPDATE, DELETE, UNLOAD, SELECT, OPTIMIZE and VACUUM billed. Athena time per statement =
 * the local engine's execution time + the per-statement latency of a real engine v3 small query
 * (`--latency-ms`, default 1.5 s, added arithmetically so the bench stays short; `--real-latency`
 * makes the local Athena wait it out instead). A month is 30 daily runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import {
  billedBytes,
  DOLLARS_PER_TB,
  dollarsFor,
  MINIMUM_BILLED_BYTES,
} from '#src/engines/athena/local/local-athena-accounting.ts';
import {
  type LocalAthena,
  type LocalAthenaStatementEvent,
  startLocalAthena,
} from '#src/engines/athena/local/start-local-athena.ts';
import { createAuditLog } from '#src/governance/audit/create-audit-log.ts';
import { runPipeline } from '#src/pipeline/run-pipeline.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';
import { localAthenaSections } from './local-athena-sections.ts';

const { values: args } = parseArgs({
  options: {
    'tickets-per-day': { type: 'string', default: '300,5000' },
    'history-days': { type: 'string', default: '30' },
    'latency-ms': { type: 'string', default: '1500' },
    'real-latency': { type: 'boolean', default: false },
    'customers-per-daily-ticket': { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    'no-full': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const volumes = String(args['tickets-per-day']).split(',').map(Number);
const historyDays = Number(args['history-days']);
const latencyMs = Number(args['latency-ms']);
const realLatency = args['real-latency'] === true;
const customersPerDailyTicket = Number(args['customers-per-daily-ticket']);
const seed = Number(args.seed);
const STAGES = ['transform', 'data-tests', 'publish', 'sla-alerts'] as const;
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
const env = { WAREHOUSE_HMAC_KEY: 'bench-hmac-key-0123456789abcdef' };

interface Statement extends LocalAthenaStatementEvent {
  readonly at: number;
}

interface StageFigures {
  statements: number;
  billedStatements: number;
  athenaMs: number;
  scanned: number;
  billed: number;
}

const emptyFigures = (): StageFigures => ({
  statements: 0,
  billedStatements: 0,
  athenaMs: 0,
  scanned: 0,
  billed: 0,
});

function config(s3: RunningS3Server, athena: LocalAthena, dir: string, ticketsPerDay: number, days: number) {
  return parseConfig({
    ...localAthenaSections(s3, athena.endpoint),
    stateDir: join(dir, 'state'),
    simulator: { seed, startDate: '2026-08-01', days, ticketsPerDay, customersPerDailyTicket },
  });
}

/** The [started, finished] times of each stage of a run, from the audit trail. */
async function stageWindows(cfg: WarehouseConfig, runId: string): Promise<Map<string, [number, number]>> {
  const entries = await createAuditLog(cfg).tail(500);
  const windows = new Map<string, [number, number]>();
  for (const entry of entries) {
    if (entry.action !== 'pipeline.stage' || !entry.target.startsWith(`${runId}/`)) continue;
    const stage = entry.target.slice(runId.length + 1);
    const at = Date.parse(entry.time);
    const window = windows.get(stage) ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    if (entry.outcome === 'started') window[0] = at;
    else window[1] = at;
    windows.set(stage, window);
  }
  return windows;
}

function bill(statements: readonly Statement[], windows: Map<string, [number, number]>) {
  const byStage = new Map<string, StageFigures>();
  for (const s of statements) {
    const stage =
      [...windows.entries()].find(([, [from, to]]) => s.at >= from && s.at <= to)?.[0] ?? 'outside';
    const f = byStage.get(stage) ?? emptyFigures();
    const ddl = DDL_KINDS.has(s.kind ?? 'other');
    const failed = s.state !== 'SUCCEEDED';
    f.statements++;
    f.athenaMs += s.engineMs + (realLatency ? 0 : latencyMs);
    f.scanned += s.dataScannedBytes;
    const billed = billedBytes(s.dataScannedBytes, { ddl, failed });
    f.billed += billed;
    if (billed > 0) f.billedStatements++;
    byStage.set(stage, f);
  }
  return byStage;
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const usd = (d: number) => `$${d < 0.01 ? d.toFixed(5) : d.toFixed(4)}`;
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

function table(title: string, byStage: Map<string, StageFigures>): StageFigures {
  const rows = [...STAGES, ...[...byStage.keys()].filter((k) => !(STAGES as readonly string[]).includes(k))];
  const total = emptyFigures();
  console.log(`\n${title}`);
  console.log(
    [
      'stage'.padEnd(24),
      'statements'.padStart(10),
      'billed'.padStart(7),
      'Athena time'.padStart(12),
      'scanned'.padStart(12),
      'billed bytes'.padStart(13),
      '$/day'.padStart(10),
      '$/month'.padStart(10),
    ].join('  '),
  );
  for (const stage of rows) {
    const f = byStage.get(stage);
    if (!f) continue;
    const label = stage === 'outside' ? 'scorecard (local only)' : stage;
    if (stage !== 'outside') {
      total.statements += f.statements;
      total.billedStatements += f.billedStatements;
      total.athenaMs += f.athenaMs;
      total.scanned += f.scanned;
      total.billed += f.billed;
    }
    console.log(line(label, f));
  }
  console.log(line('daily chain', total));
  return total;
}

function line(label: string, f: StageFigures): string {
  return [
    label.padEnd(24),
    String(f.statements).padStart(10),
    String(f.billedStatements).padStart(7),
    minutes(f.athenaMs).padStart(12),
    mib(f.scanned).padStart(12),
    mib(f.billed).padStart(13),
    usd(dollarsFor(f.billed)).padStart(10),
    usd(dollarsFor(f.billed) * 30).padStart(10),
  ].join('  ');
}

async function benchVolume(ticketsPerDay: number): Promise<{ daily: StageFigures; full?: StageFigures }> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-cost-'));
  const s3 = await startS3Server('lake-bench');
  const statements: Statement[] = [];
  const athena = await startLocalAthena({
    s3Endpoint: s3.endpoint,
    latencyMs: realLatency ? latencyMs : 0,
    onStatement: (e) => statements.push({ ...e, at: Date.now() }),
  });
  try {
    const run = async (name: string, days: number, full: boolean) => {
      const cfg = config(s3, athena, dir, ticketsPerDay, days);
      statements.length = 0;
      const started = performance.now();
      const log = args.verbose ? (line: string) => console.error(`  [${name}] ${line}`) : () => undefined;
      const result = await runPipeline({ config: cfg, runId: name, env, full, log });
      const seconds = (performance.now() - started) / 1000;
      const failed = statements.filter((s) => s.state !== 'SUCCEEDED');
      if (failed.length > 0)
        throw new Error(`${name}: ${failed.length} statements failed; first: ${failed[0]?.error}`);
      const tickets = result.extract.streams.find((s) => s.stream === 'tickets')?.records ?? 0;
      console.log(
        `  ${name}: ${seconds.toFixed(0)} s wall, ${statements.length} statements, ${tickets} ticket records extracted`,
      );
      return bill(statements, await stageWindows(cfg, name));
    };
    console.log(`\n== ${ticketsPerDay} tickets a day, ${historyDays} days of history ==`);
    await run('history', historyDays, false);
    const daily = table(
      `Daily run (day ${historyDays + 1}), ${ticketsPerDay} tickets/day`,
      await run('daily', historyDays + 1, false),
    );
    let full: StageFigures | undefined;
    if (!args['no-full'])
      full = table(
        `Full rebuild of the same ${historyDays + 1} days, ${ticketsPerDay} tickets/day`,
        await run('full-rebuild', historyDays + 1, true),
      );
    return { daily, full };
  } finally {
    await athena.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
console.log(
  `Athena cost of the daily chain: $${DOLLARS_PER_TB}/TB, ${MINIMUM_BILLED_BYTES / 1024 ** 2} MB minimum per billed query, ` +
    `${latencyMs} ms latency per statement (${realLatency ? 'waited' : 'added'}), ${customersPerDailyTicket} customers per daily ticket`,
);
const summary: string[] = [];
for (const volume of volumes) {
  const { daily, full } = await benchVolume(volume);
  summary.push(
    `${String(volume).padStart(5)} tickets/day: daily ${usd(dollarsFor(daily.billed))}/day, ` +
      `${usd(dollarsFor(daily.billed) * 30)}/month, ${daily.statements} statements, ${minutes(daily.athenaMs)} Athena time, ` +
      `${mib(daily.billed)} billed of ${mib(daily.scanned)} scanned` +
      (full
        ? `; full rebuild ${usd(dollarsFor(full.billed))} (${mib(full.billed)} billed, ${full.statements} statements, ${minutes(full.athenaMs)}); ` +
          `daily/full bytes billed ${((100 * daily.billed) / full.billed).toFixed(0)} %`
        : ''),
  );
}
console.log('\nSummary');
for (const s of summary) console.log(s);
