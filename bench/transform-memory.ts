/**
 * How much memory the DuckDB transform needs as the desk grows. For each world (days × tickets a
 * day) it extracts the history once from the fast simulator into a throw-away lake, then runs the
 * full transform in a child process under each DuckDB memory limit of the ladder, lowest first,
 * until one finishes. Prints per world and limit: tickets, landing bytes, whether it finished (or
 * the model that ran out of memory), transform time, the child's peak RSS and the most DuckDB
 * spilled to its temp folder.
 *
 *   npx tsx bench/transform-memory.ts [--worlds 56x300,112x600,180x700] \
 *     [--limits 128MB,256MB,512MB,1GB,2GB,4GB] [--all-limits] [--temp-cap 20GB] [--keep DIR]
 *
 * `--all-limits` runs every limit of the ladder instead of stopping at the first that finishes.
 * `--keep DIR` extracts into DIR (and reuses a lake already there) instead of a temp folder that is
 * deleted after the world. Worlds are seeded, so the same options give the same data.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '#simulator/start-simulator.ts';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

const { values: args } = parseArgs({
  options: {
    worlds: { type: 'string', default: '56x300,112x600,180x700' },
    limits: { type: 'string', default: '128MB,256MB,512MB,1GB,2GB,4GB' },
    'all-limits': { type: 'boolean', default: false },
    'temp-cap': { type: 'string', default: '20GB' },
    keep: { type: 'string' },
    seed: { type: 'string', default: '42' },
    // Child mode (internal): run one transform over an extracted lake.
    child: { type: 'string' },
    'memory-limit': { type: 'string' },
    now: { type: 'string' },
  },
});

const START_DATE = '2026-01-01';
const DAY_MS = 86_400_000;

/** The lake and state of a bench world; pacing off, as `warehouse run` does for the fast simulator. */
function benchConfig(root: string, memoryLimit = '4GB'): WarehouseConfig {
  return parseConfig({
    lake: { kind: 'local', root: join(root, 'lake') },
    stateDir: join(root, 'state'),
    engine: { kind: 'duckdb', database: join(root, 'run', 'warehouse.duckdb'), memoryLimit, threads: 2 },
    sources: {
      zendesk: { startDate: START_DATE, requestsPerMinute: 1e6, apiRequestsPerMinute: 1e6 },
      hubspot: { startDate: START_DATE, requestsPer10s: 1e6, searchRequestsPerSecond: 1e6 },
    },
  });
}

function dirSize(path: string): number {
  if (!existsSync(path)) return 0;
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    try {
      total += entry.isDirectory() ? dirSize(full) : statSync(full).size;
    } catch {
      // A spill file removed between listing and stat.
    }
  }
  return total;
}

interface ChildReport {
  readonly ok: boolean;
  readonly seconds: number;
  readonly maxRssBytes: number;
  readonly peakSpillBytes: number;
  readonly tickets: number;
  readonly failedModel?: string;
  readonly error?: string;
}

/** Child: one full transform of the extracted lake under `--memory-limit`; reports to the parent. */
async function child(root: string, memoryLimit: string, now: Date): Promise<void> {
  const config = benchConfig(root, memoryLimit);
  if (config.engine.kind !== 'duckdb') throw new Error('unreachable');
  rmSync(join(root, 'run'), { recursive: true, force: true });
  const tempDir = `${config.engine.database}.tmp`;
  let peakSpillBytes = 0;
  const poll = setInterval(() => {
    peakSpillBytes = Math.max(peakSpillBytes, dirSize(tempDir));
  }, 250);
  const engine = await DuckDbEngine.open({ ...config.engine, maxTempDirectorySize: args['temp-cap'] });
  let current = '';
  const started = performance.now();
  const report = (r: Omit<ChildReport, 'seconds' | 'maxRssBytes' | 'peakSpillBytes'>) =>
    process.send?.({
      ...r,
      seconds: (performance.now() - started) / 1000,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      peakSpillBytes,
    } satisfies ChildReport);
  try {
    await runTransform({
      engine,
      store: new LocalObjectStore(join(root, 'lake')),
      runId: `bench-memory-${memoryLimit}`,
      full: true,
      seeds: buildSeeds(config, { now }),
      now,
      onProgress: (event) => {
        if (event.stage === 'model-start') current = event.model;
      },
    });
    const tickets = Number((await engine.execute('SELECT count(*) AS n FROM fct_tickets')).rows[0]?.n);
    report({ ok: true, tickets });
  } catch (error) {
    const message = String((error as Error).message ?? error);
    report({ ok: false, tickets: 0, failedModel: current, error: message.split('\n')[0] ?? message });
  } finally {
    clearInterval(poll);
    await engine.close().catch(() => undefined);
    rmSync(join(root, 'run'), { recursive: true, force: true });
  }
}

async function runChild(root: string, memoryLimit: string, now: Date): Promise<ChildReport> {
  const proc: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    [
      '--child',
      root,
      '--memory-limit',
      memoryLimit,
      '--now',
      now.toISOString(),
      '--temp-cap',
      args['temp-cap'],
    ],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  let report: ChildReport | undefined;
  proc.on('message', (m) => {
    report = m as ChildReport;
  });
  const [code] = await once(proc, 'exit');
  return (
    report ?? {
      ok: false,
      seconds: 0,
      maxRssBytes: 0,
      peakSpillBytes: 0,
      tickets: 0,
      error: `child exited with ${code} before reporting`,
    }
  );
}

/** Extracts `days` of history at `ticketsPerDay` into `root/lake` (skipped when a lake is there). */
async function extractWorld(root: string, days: number, ticketsPerDay: number): Promise<Date> {
  const now = new Date(Date.parse(`${START_DATE}T00:00:00Z`) + days * DAY_MS);
  if (existsSync(join(root, 'lake', 'landing'))) return now;
  const sim = await startSimulator({
    seed: Number(args.seed),
    startDate: START_DATE,
    days,
    ticketsPerDay,
    fast: true,
    now: now.toISOString(),
  });
  try {
    const started = performance.now();
    await runExtraction({
      config: benchConfig(root),
      store: new LocalObjectStore(join(root, 'lake')),
      runId: 'bench-memory-extract',
      endpoints: {
        zendesk: {
          baseUrl: sim.zendeskUrl,
          credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
        },
        hubspot: { baseUrl: sim.hubspotUrl, credentials: { token: sim.credentials.hubspotToken } },
      },
      hmacKey: 'bench-hmac-key-0123456789abcdef',
      now: () => sim.clock.now(),
    });
    console.log(`  extracted in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await sim.close();
  }
  return now;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const worlds = args.worlds.split(',').map((w) => {
    const [days, perDay] = w.split('x').map(Number);
    if (!days || !perDay) throw new Error(`--worlds: expected DAYSxTICKETS_PER_DAY, got "${w}"`);
    return { days, perDay };
  });
  const limits = args.limits.split(',');
  const rows: string[][] = [];
  for (const { days, perDay } of worlds) {
    const root = args.keep ? join(args.keep, `${days}x${perDay}`) : mkdtempSync(join(tmpdir(), 'bench-mem-'));
    mkdirSync(root, { recursive: true });
    console.log(`world ${days} days × ${perDay} tickets/day in ${root}`);
    try {
      const now = await extractWorld(root, days, perDay);
      const landingBytes = dirSize(join(root, 'lake', 'landing'));
      console.log(`  landing ${mib(landingBytes)}`);
      for (const limit of limits) {
        const r = await runChild(root, limit, now);
        const row = [
          `${days}×${perDay}`,
          r.ok ? r.tickets.toLocaleString('en') : '',
          mib(landingBytes),
          limit,
          r.ok ? 'finished' : `failed in ${r.failedModel || '?'}`,
          `${r.seconds.toFixed(0)} s`,
          mib(r.maxRssBytes),
          mib(r.peakSpillBytes),
        ];
        console.log(`  ${row.join('  ')}${r.ok ? '' : `\n    ${r.error?.slice(0, 300)}`}`);
        rows.push(row);
        if (r.ok && !args['all-limits']) break;
      }
    } finally {
      if (!args.keep) rmSync(root, { recursive: true, force: true });
    }
  }
  const head = [
    'world',
    'tickets',
    'landing',
    'memory limit',
    'result',
    'transform',
    'peak RSS',
    'peak spill',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}

if (args.child) {
  await child(args.child, args['memory-limit'] ?? '4GB', new Date(args.now ?? Date.now()));
} else {
  await main();
}
