/**
 * The local job at three desk sizes, against a pandas notebook over the same landed pages.
 *
 * For each simulated world (default: 56 d × 300, 112 d × 600 and 180 d × 700 tickets a day, about
 * 20 k, 80 k and 160 k tickets) it runs the whole job, `warehouse run`, as a child process in a
 * temporary folder and prints:
 *   - extract, transform and whole-job wall time (from the run's own progress lines, timed as they
 *     arrive), the CPU time of each (user + system of the process tree, read from /proc at the same
 *     lines; the whole job's from /usr/bin/time), and the peak RSS of the process tree (polled from
 *     /proc) during each and overall;
 *   - then `bench/pandas/support_kpis.py` (Debian's /usr/bin/python3 with python3-pandas) over the
 *     landing files that run wrote: its wall and CPU time and peak RSS, how many of the warehouse's
 *     models and KPIs it reproduces, and a few monthly KPI values from both side by side;
 *   - ratios (pandas ÷ warehouse transform: wall, CPU, memory), time per 1,000 tickets per world, and
 *     the targets of issue #18: whole local job at ~160 k tickets ≤ 5 min on 2 cores, the full build
 *     ≥ 3× faster than pandas in wall time at ~80 k, time growing no faster than the tickets.
 *
 *   npm run bench:local-scale -- [--worlds 56x300,112x600,180x700] [--skip-pandas] [--keep]
 *     [--python /usr/bin/python3] [--memory-limit 4GB] [--threads 2]
 *
 * Each world's lake, DuckDB file and pandas output live in a temporary folder deleted afterwards
 * (`--keep` keeps it). Wall time depends on what else the machine runs: the CPU figures do not.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseConfig } from '#src/config/warehouse-config.ts';

const { values } = parseArgs({
  options: {
    worlds: { type: 'string', default: '56x300,112x600,180x700' },
    'skip-pandas': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    'memory-limit': { type: 'string', default: '4GB' },
    threads: { type: 'string', default: '2' },
  },
});

const ROOT = resolve(import.meta.dirname, '..');
const PANDAS_SCRIPT = join(ROOT, 'bench/pandas/support_kpis.py');
const TIME = '/usr/bin/time';
const PAGE_BYTES = 4096;
const TICKS_PER_SECOND = 100;
const MiB = 1024 * 1024;

interface World {
  readonly days: number;
  readonly ticketsPerDay: number;
}

function parseWorlds(text: string): World[] {
  return text.split(',').map((item) => {
    const match = /^(\d+)x(\d+)$/.exec(item.trim());
    if (!match) throw new Error(`--worlds: "${item}" is not DAYSxTICKETS_PER_DAY (e.g. 56x300)`);
    return { days: Number(match[1]), ticketsPerDay: Number(match[2]) };
  });
}

// ---- the process tree, from /proc ------------------------------------------------------------

interface TreeSample {
  readonly rssBytes: number;
  /** user + system CPU seconds of the live processes of the tree */
  readonly cpuSeconds: number;
}

function procStat(pid: number): { cpu: number; rss: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      rss: Number(fields[21]) * PAGE_BYTES,
    };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** The live children of a process, from /proc/<pid>/task/<tid>/children (no scan of all of /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) for (const child of text.split(' ')) out.push(Number(child));
    }
  } catch {
    // gone meanwhile
  }
  return out;
}

/** RSS and CPU of a process and its live descendants (a few small reads: cheap enough at 2 Hz). */
function sampleTree(root: number): TreeSample {
  let rssBytes = 0;
  let cpuSeconds = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const stat = procStat(pid);
    if (!stat) continue;
    rssBytes += stat.rss;
    cpuSeconds += stat.cpu;
    queue.push(...childrenOf(pid));
  }
  return { rssBytes, cpuSeconds };
}

/** Polls the tree's RSS (every 500 ms) and keeps the peak per named phase. */
class TreeWatcher {
  readonly peaks = new Map<string, number>();
  phase = 'start';
  private timer: NodeJS.Timeout | undefined;
  private last: TreeSample = { rssBytes: 0, cpuSeconds: 0 };

  constructor(private readonly root: number) {}

  start(): void {
    const poll = async () => {
      await this.sample();
      this.timer = setTimeout(poll, 500);
    };
    void poll();
  }

  async sample(): Promise<TreeSample> {
    const now = sampleTree(this.root);
    if (now.rssBytes > 0) this.last = now; // after the root exits the tree is empty
    this.peaks.set(this.phase, Math.max(this.peaks.get(this.phase) ?? 0, now.rssBytes));
    return this.last;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  get peak(): number {
    return Math.max(0, ...this.peaks.values());
  }
}

// ---- a command under /usr/bin/time, its lines timed ----------------------------------------------

interface Timed {
  readonly wallSeconds: number;
  /** user + system CPU seconds of the command and every child it waited for (/usr/bin/time) */
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  readonly stdout: string;
  readonly code: number | null;
}

async function timedRun(
  command: string,
  args: readonly string[],
  timeFile: string,
  onLine?: (line: string, seconds: number, watcher: TreeWatcher) => Promise<void> | void,
): Promise<Timed & { watcher: TreeWatcher }> {
  const started = performance.now();
  const child: ChildProcess = spawn(TIME, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const watcher = new TreeWatcher(child.pid!);
  watcher.start();
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  const handled: Promise<void>[] = [];
  reader.on('line', (line) => {
    lines.push(line);
    const at = (performance.now() - started) / 1000;
    if (onLine) handled.push(Promise.resolve(onLine(line, at, watcher)));
  });
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  await Promise.all(handled);
  watcher.stop();
  const wallSeconds = (performance.now() - started) / 1000;
  const [, user, system] = (await readFile(timeFile, 'utf8'))
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number);
  return {
    wallSeconds,
    cpuSeconds: (user ?? Number.NaN) + (system ?? Number.NaN),
    peakRssBytes: watcher.peak,
    stdout: lines.join('\n'),
    code,
    watcher,
  };
}

// ---- one world ----------------------------------------------------------------------------------

interface Phase {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

interface WarehouseFigures {
  readonly tickets: number;
  readonly whole: Timed;
  readonly extract: Phase;
  readonly transform: Phase;
  readonly monthly: Map<string, number>;
  /** wall seconds of each model, from the run's `transform [i/n] model: …, X s` lines */
  readonly modelSeconds: Map<string, number>;
}

interface PandasFigures {
  readonly run: Timed;
  readonly summary: {
    tickets: number;
    phases: Record<string, number>;
    coverage: { models: string[]; kpis: string[] };
    monthly_overall: { period_start: string; kpi: string; value: number }[];
  };
}

async function runWarehouse(dir: string, world: World): Promise<WarehouseFigures> {
  const config = {
    lake: { kind: 'local', root: join(dir, 'lake') },
    engine: {
      kind: 'duckdb',
      database: join(dir, 'warehouse.duckdb'),
      memoryLimit: values['memory-limit'],
      threads: Number(values.threads),
    },
    stateDir: join(dir, 'state'),
    simulator: { days: world.days, ticketsPerDay: world.ticketsPerDay, fast: true },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  // Boundaries of the stages, read from the run's progress lines as they arrive.
  const marks = new Map<string, { at: number; cpu: number }>();
  let tickets = 0;
  const modelSeconds = new Map<string, number>();
  let transformEnd: { at: number; cpu: number } | undefined;
  const mark = async (name: string, at: number, watcher: TreeWatcher) => {
    const sample = await watcher.sample();
    const value = { at, cpu: sample.cpuSeconds };
    marks.set(name, value);
    return value;
  };
  const whole = await timedRun(
    process.execPath,
    [join(ROOT, 'bin/warehouse.mjs'), 'run', '--config', join(dir, 'config.json')],
    join(dir, 'warehouse.time'),
    async (line, at, watcher) => {
      if (line.startsWith('simulate:')) {
        await mark('extract-start', at, watcher);
        watcher.phase = 'extract';
      } else if (line.startsWith('sentiment:')) {
        await mark('sentiment-end', at, watcher);
        watcher.phase = 'transform';
      } else if (line.startsWith('transform [')) {
        transformEnd = await mark('transform-end', at, watcher);
        const model = /^transform \[\d+\/\d+\] (\S+): .*, ([\d.]+) s$/.exec(line);
        if (model) modelSeconds.set(model[1]!, Number(model[2]));
      } else if (line.startsWith('data tests:')) {
        watcher.phase = 'after';
      } else if (line.startsWith('extract ') && line.includes(': succeeded')) {
        await mark('extract-end', at, watcher);
        const match = /\(tickets (\d+),/.exec(line);
        if (match) tickets = Number(match[1]);
      }
    },
  );
  if (whole.code !== 0) {
    process.stdout.write(`${whole.stdout.split('\n').slice(-20).join('\n')}\n`);
    throw new Error(`warehouse run exited with ${whole.code} (its last lines are above)`);
  }
  const span = (from: string, to: { at: number; cpu: number } | undefined, phase: string): Phase => {
    const start = marks.get(from);
    if (!start || !to) throw new Error(`the run printed no ${from} … ${phase} boundary`);
    return {
      wallSeconds: to.at - start.at,
      cpuSeconds: to.cpu - start.cpu,
      peakRssBytes: whole.watcher.peaks.get(phase) ?? 0,
    };
  };
  const extract = span('extract-start', marks.get('extract-end'), 'extract');
  const transform = span('sentiment-end', transformEnd, 'transform');
  return {
    tickets,
    whole,
    extract,
    transform,
    modelSeconds,
    monthly: await warehouseMonthly(join(dir, 'warehouse.duckdb')),
  };
}

/** One KPI's agreement between the warehouse's kpi_values and the pandas notebook's. */
interface Agreement {
  readonly kpi: string;
  readonly both: number;
  readonly agree: number;
  readonly onlyWarehouse: number;
  readonly onlyPandas: number;
}

/**
 * Every (grain, period, overall or channel, KPI) value both compute, compared in DuckDB: the
 * warehouse's kpi_values (its database, read-only) against the notebook's kpi_values.csv.
 */
async function agreement(database: string, pandasCsv: string): Promise<Agreement[]> {
  const instance = await DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`
      with w as (
        select period_grain, cast(period_start as date) as period_start, breakdown, breakdown_value, kpi, value
        from kpi_values
        where breakdown in ('overall', 'channel') and value is not null
      ),
      p as (
        select period_grain, cast(period_start as date) as period_start, breakdown, breakdown_value, kpi, value
        from read_csv('${pandasCsv.replaceAll("'", "''")}', header = true)
        where value is not null
      )
      select
        coalesce(w.kpi, p.kpi) as kpi,
        count(w.value) filter (where p.value is not null) as both,
        count(*) filter (where abs(w.value - p.value) <= 0.005 * greatest(abs(w.value), 1e-9)) as agree,
        count(*) filter (where p.value is null) as only_warehouse,
        count(*) filter (where w.value is null) as only_pandas
      from w
      full join p using (period_grain, period_start, breakdown, breakdown_value, kpi)
      where coalesce(w.kpi, p.kpi) in (select distinct kpi from p)
      group by 1
      order by 1`);
    return reader.getRowObjectsJS().map((row) => ({
      kpi: String(row.kpi),
      both: Number(row.both),
      agree: Number(row.agree),
      onlyWarehouse: Number(row.only_warehouse),
      onlyPandas: Number(row.only_pandas),
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The warehouse's monthly, overall KPI values (kpi_values), keyed "YYYY-MM-01 kpi". */
async function warehouseMonthly(database: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      "select cast(period_start as varchar) as period_start, kpi, value from kpi_values where period_grain = 'month' and breakdown = 'overall' and value is not null",
    );
    const out = new Map<string, number>();
    for (const row of reader.getRowObjectsJS())
      out.set(`${String(row.period_start)} ${String(row.kpi)}`, Number(row.value));
    return out;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function runPandas(dir: string, world: World): Promise<PandasFigures> {
  const config = parseConfig({});
  const params = {
    groupTiers: config.desk.groupTiers,
    securityGroups: config.desk.securityGroups,
    policies: config.sla.policies,
  };
  await writeFile(join(dir, 'pandas-params.json'), JSON.stringify(params));
  const start = new Date(`${config.simulator.startDate}T00:00:00Z`);
  const now = new Date(start.getTime() + world.days * 86_400_000).toISOString();
  const run = await timedRun(
    values.python,
    [
      PANDAS_SCRIPT,
      join(dir, 'lake'),
      '--now',
      now,
      '--params',
      join(dir, 'pandas-params.json'),
      '--out',
      join(dir, 'pandas-out'),
    ],
    join(dir, 'pandas.time'),
  );
  if (run.code !== 0) throw new Error(`the pandas script exited with ${run.code}`);
  return { run, summary: JSON.parse(run.stdout.trim().split('\n').at(-1)!) as PandasFigures['summary'] };
}

/**
 * The warehouse's models on the desk side, which the notebook's work corresponds to: the Zendesk
 * staging views, the desk intermediates and the desk facts and marts it reproduces (not the CRM,
 * sentiment or the other marts).
 */
async function deskModels(): Promise<Set<string>> {
  const names = new Set(['fct_tickets', 'fct_satisfaction_ratings', 'backlog_daily', 'kpi_values']);
  for (const folder of ['sql/staging/zendesk', 'sql/intermediate/desk'])
    for (const file of await readdir(join(ROOT, folder)))
      if (file.endsWith('.sql') && !file.includes('sentiment')) names.add(file.replace(/\.sql$/, ''));
  return names;
}

// ---- printing -----------------------------------------------------------------------------------

const s = (seconds: number) => `${seconds.toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

const COMPARED = [
  'ticket_volume',
  'first_reply_time_avg_s',
  'full_resolution_time_avg_s',
  'fcr_rate',
  'escalation_rate',
  'csat_rate',
  'sla_compliance_rate',
  'backlog_open',
];

function compare(warehouse: Map<string, number>, pandas: PandasFigures['summary']): void {
  const theirs = new Map(pandas.monthly_overall.map((r) => [`${r.period_start} ${r.kpi}`, r.value]));
  let both = 0;
  let agree = 0;
  const rows: string[] = [];
  for (const [key, value] of theirs) {
    const ours = warehouse.get(key);
    if (ours === undefined) continue;
    both++;
    const close = Math.abs(ours - value) <= 0.005 * Math.max(Math.abs(ours), 1e-9);
    if (close) agree++;
    const kpi = key.split(' ')[1]!;
    if (COMPARED.includes(kpi))
      rows.push(
        `    ${key.padEnd(42)} warehouse ${ours.toPrecision(6).padStart(12)}  pandas ${value.toPrecision(6).padStart(12)}  ${close ? '✓' : '✗'}`,
      );
  }
  console.log('  monthly, overall KPI values side by side (✓ within 0.5 %):');
  for (const row of rows.sort()) console.log(row);
  console.log(`  ${agree} of ${both} monthly overall values both compute agree within 0.5 %`);
}

interface Result {
  readonly world: World;
  readonly warehouse: WarehouseFigures;
  readonly pandas?: PandasFigures;
}

function summarise(results: readonly Result[]): void {
  console.log('\n== summary ==');
  console.log(
    'world            tickets   extract   transform   whole job   job CPU   peak RSS   pandas wall   pandas CPU   pandas RSS',
  );
  for (const { world, warehouse: w, pandas: p } of results)
    console.log(
      `${`${world.days} d × ${world.ticketsPerDay}`.padEnd(15)} ${String(w.tickets).padStart(8)} ${s(w.extract.wallSeconds).padStart(9)} ${s(w.transform.wallSeconds).padStart(11)} ${s(w.whole.wallSeconds).padStart(11)} ${s(w.whole.cpuSeconds).padStart(9)} ${mib(w.whole.peakRssBytes).padStart(10)}` +
        (p
          ? ` ${s(p.run.wallSeconds).padStart(13)} ${s(p.run.cpuSeconds).padStart(12)} ${mib(p.run.peakRssBytes).padStart(12)}`
          : ''),
    );
  console.log(
    '\nper 1,000 tickets (time growing no faster than tickets: the figure must not rise with size)',
  );
  const first = results[0]!.warehouse;
  const per = (seconds: number, tickets: number) => (seconds / tickets) * 1000;
  for (const { world, warehouse: w } of results)
    console.log(
      `  ${`${world.days} d × ${world.ticketsPerDay}`.padEnd(13)} whole job ${per(w.whole.wallSeconds, w.tickets).toFixed(2)} s wall, ${per(w.whole.cpuSeconds, w.tickets).toFixed(2)} s CPU` +
        ` (× ${(per(w.whole.cpuSeconds, w.tickets) / per(first.whole.cpuSeconds, first.tickets)).toFixed(2)} of the smallest world's CPU);` +
        ` extract ${per(w.extract.wallSeconds, w.tickets).toFixed(2)} s; transform ${per(w.transform.wallSeconds, w.tickets).toFixed(2)} s wall, ${per(w.transform.cpuSeconds, w.tickets).toFixed(2)} s CPU`,
    );
  console.log('\ntargets (issue #18)');
  const near = (target: number) =>
    results.reduce((best, r) =>
      Math.abs(r.warehouse.tickets - target) < Math.abs(best.warehouse.tickets - target) ? r : best,
    );
  const measured = (r: Result, target: number) => Math.abs(r.warehouse.tickets - target) <= 0.35 * target;
  const big = near(160_000);
  if (!measured(big, 160_000))
    console.log('  whole local job at ~160 k tickets: no world of that size was run');
  else
    console.log(
      `  whole local job at ~160 k tickets ≤ 5 min on 2 cores: ${s(big.warehouse.whole.wallSeconds)} at ${big.warehouse.tickets} tickets — ${big.warehouse.whole.wallSeconds <= 300 ? 'met' : 'MISSED'}`,
    );
  const mid = near(80_000);
  if (!measured(mid, 80_000))
    console.log('  full build against pandas at ~80 k tickets: no world of that size was run');
  else if (mid.pandas)
    console.log(
      `  full build ≥ 3× faster than pandas in wall time at ~80 k: pandas ÷ transform = ${x(mid.pandas.run.wallSeconds / mid.warehouse.transform.wallSeconds)} at ${mid.warehouse.tickets} tickets — ${mid.pandas.run.wallSeconds / mid.warehouse.transform.wallSeconds >= 3 ? 'met' : 'MISSED'}`,
    );
  const last = results.at(-1)!.warehouse;
  if (results.length < 2) {
    console.log('  time growing no faster than tickets: needs two worlds or more');
    return;
  }
  const growth = per(last.whole.cpuSeconds, last.tickets) / per(first.whole.cpuSeconds, first.tickets);
  console.log(
    `  time growing no faster than tickets: CPU per 1,000 tickets of the largest world ÷ the smallest's = ${growth.toFixed(2)} — ${growth <= 1.1 ? 'met' : 'MISSED'} (wall: ${(per(last.whole.wallSeconds, last.tickets) / per(first.whole.wallSeconds, first.tickets)).toFixed(2)})`,
  );
}

// ---- main ---------------------------------------------------------------------------------------

function pandasAvailable(): boolean {
  const probe = spawnSync(values.python, ['-c', 'import pandas, numpy; print(pandas.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status === 0) {
    console.log(`pandas ${probe.stdout.trim()} (${values.python})`);
    return true;
  }
  console.error(
    `pandas is not importable by ${values.python}${probe.error ? ` (${probe.error.message})` : ''}.\n` +
      "  Install Debian's: apt-get install -y python3-pandas   (PyPI is not needed; use /usr/bin/python3, not a pyenv one)\n" +
      '  or point --python at an interpreter that has it, or pass --skip-pandas to measure the warehouse alone.',
  );
  return false;
}

async function main(): Promise<void> {
  const worlds = parseWorlds(values.worlds);
  if (!existsSync(TIME)) {
    console.error(`${TIME} is missing: apt-get install -y time`);
    process.exitCode = 2;
    return;
  }
  const withPandas = !values['skip-pandas'];
  if (withPandas && !pandasAvailable()) {
    process.exitCode = 2;
    return;
  }
  console.log(
    `${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (wall times depend on the other work on the machine; CPU times much less)`,
  );
  const results: Result[] = [];
  for (const world of worlds) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-local-scale-'));
    const free = await statfs(dir);
    console.log(
      `\n== ${world.days} days × ${world.ticketsPerDay} tickets/day in ${dir} (${((free.bavail * free.bsize) / 1024 ** 3).toFixed(0)} GiB free) ==`,
    );
    try {
      const warehouse = await runWarehouse(dir, world);
      const w = warehouse;
      console.log(
        `warehouse run: ${w.tickets} tickets; whole job ${s(w.whole.wallSeconds)} wall, ${s(w.whole.cpuSeconds)} CPU, peak RSS ${mib(w.whole.peakRssBytes)}`,
      );
      console.log(
        `  extract ${s(w.extract.wallSeconds)} wall, ${s(w.extract.cpuSeconds)} CPU, peak ${mib(w.extract.peakRssBytes)}; ` +
          `transform (${'64'} models) ${s(w.transform.wallSeconds)} wall, ${s(w.transform.cpuSeconds)} CPU, peak ${mib(w.transform.peakRssBytes)}`,
      );
      let pandas: PandasFigures | undefined;
      if (withPandas) {
        pandas = await runPandas(dir, world);
        const p = pandas;
        console.log(
          `pandas notebook: ${p.summary.tickets} tickets; ${s(p.run.wallSeconds)} wall, ${s(p.run.cpuSeconds)} CPU, peak RSS ${mib(p.run.peakRssBytes)} ` +
            `(${Object.entries(p.summary.phases)
              .map(([k, v]) => `${k.replace(/_s$/, '')} ${v.toFixed(1)} s`)
              .join(', ')})`,
        );
        console.log(
          `  reproduces ${p.summary.coverage.models.length} of the warehouse's 64 models (partly: ${p.summary.coverage.models.filter((m) => m.includes('(')).length}) and ${p.summary.coverage.kpis.length} of its KPIs; not the CRM, sentiment, business-hours SLA, VIP tiers or the other breakdowns`,
        );
        console.log(
          `  pandas ÷ warehouse transform: wall ${x(p.run.wallSeconds / w.transform.wallSeconds)}, CPU ${x(p.run.cpuSeconds / w.transform.cpuSeconds)}, peak RSS ${x(p.run.peakRssBytes / w.transform.peakRssBytes)}`,
        );
        compare(w.monthly, p.summary);
        const desk = await deskModels();
        const deskBuilt = [...w.modelSeconds].filter(([m]) => desk.has(m));
        const deskSeconds = deskBuilt.reduce((n, [, v]) => n + v, 0);
        const allSeconds = [...w.modelSeconds.values()].reduce((n, v) => n + v, 0);
        console.log(
          `  the same work only: the warehouse's ${deskBuilt.length} desk-side models took ${s(deskSeconds)} wall (sum of their build times; the other ${w.modelSeconds.size - deskBuilt.length}, CRM, sentiment and other marts, ${s(allSeconds - deskSeconds)}); pandas ÷ that = ${x(p.run.wallSeconds / deskSeconds)}`,
        );
        const agreed = await agreement(
          join(dir, 'warehouse.duckdb'),
          join(dir, 'pandas-out', 'kpi_values.csv'),
        );
        console.log(
          '  every day, week and month, overall and by channel: values both compute / agreeing within 0.5 % / only in one',
        );
        for (const a of agreed)
          console.log(
            `    ${a.kpi.padEnd(34)} ${String(a.both).padStart(6)} ${String(a.agree).padStart(6)} ${a.agree === a.both ? '✓' : '✗'}   only warehouse ${a.onlyWarehouse}, only pandas ${a.onlyPandas}`,
          );
        const total = agreed.reduce((n, a) => n + a.both, 0);
        const agreeing = agreed.reduce((n, a) => n + a.agree, 0);
        const exact = agreed.filter((a) => a.agree === a.both).length;
        console.log(
          `  ${agreeing} of ${total} values agree; ${exact} of ${agreed.length} KPIs agree everywhere (the SLA rates differ by design: no VIP tier, no business hours)`,
        );
      }
      results.push({ world, warehouse, pandas });
    } finally {
      if (values.keep) console.log(`kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    }
  }
  summarise(results);
}

try {
  await main();
} catch (error) {
  // One line, not a stack: a wrong --worlds, a failed run (its last lines are printed above).
  console.error(`bench:local-scale: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
