/**
 * Benchmark: build N months of simulated ticket history, then one more day incrementally, and
 * print, for both, the run time and the bytes of table data read as Athena would bill them (files
 * touched after partition pruning).
 *
 *   npx tsx bench/models-incremental.ts [--months 24] [--tickets-per-day 300] [--old-update-share 0.01]
 *
 * How bytes are counted (DuckDB reports none, so the bench computes what Athena would scan):
 * - landing: the gzip JSON files the `__new` sources read (every file on the full rebuild, the
 *   day's files incrementally) — their exact sizes in the lake;
 * - curated: the two incremental models are exported after each run to Parquet partitioned by
 *   month (what an Iceberg table holds), and a statement is billed the partitions it touches:
 *   the MERGE into `bench_tickets` reads the target partitions the day changed, and
 *   `bench_daily` reads `bench_tickets` pruned to those months (on the full rebuild: all of it).
 * The export itself is not timed.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { quoteString } from '#src/engines/engine-statements.ts';
import { runTransform, type TransformResult } from '#src/models/run-transform.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

const { values: args } = parseArgs({
  options: {
    months: { type: 'string', default: '24' },
    'tickets-per-day': { type: 'string', default: '300' },
    'old-update-share': { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '7' },
  },
});
const months = Number(args.months);
const ticketsPerDay = Number(args['tickets-per-day']);
const oldUpdateShare = Number(args['old-update-share']);

// A small deterministic generator (mulberry32), so runs are comparable.
let state = Number(args.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const BENCH_MODELS: Record<string, string> = {
  'intermediate/bench_tickets.sql': `-- materialized: incremental
-- unique_key: ticket_id
-- partition_by: created_month
-- description: Current state of each ticket, partitioned by created month (benchmark model)

select
    ticket_id,
    status,
    priority,
    via_channel,
    category,
    group_id,
    assignee_id,
    created_at,
    updated_at,
    date_format(created_at, '%Y-%m') as created_month
from stg_zendesk__tickets
`,
  'marts/bench_daily.sql': `-- materialized: incremental
-- unique_key: created_date
-- partition_by: created_month
-- description: Tickets per creation day, recomputed for the months this run touched (benchmark model)

with touched as (
    select distinct date_format(created_at, '%Y-%m') as created_month
    from stg_zendesk__tickets
)

select
    cast(created_at as date) as created_date,
    created_month,
    count(*) as tickets,
    count_if(status in ('solved', 'closed')) as solved_tickets
from bench_tickets
where created_month in (select created_month from touched)
group by 1, 2
`,
};

interface Ticket {
  id: number;
  createdAt: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function ticketRow(id: number, createdAt: number, updatedAt: number, status: string, dt: string) {
  return {
    ticket_id: id,
    requester_id: 1000 + (id % 5000),
    submitter_id: 1000 + (id % 5000),
    assignee_id: 50 + (id % 40),
    group_id: 10 + (id % 6),
    organization_id: null,
    brand_id: null,
    status,
    priority: ['low', 'normal', 'high', 'urgent'][id % 4],
    ticket_type: 'question',
    via_channel: ['chat', 'email', 'web', 'voice', 'telegram'][id % 5],
    category: ['withdrawal_delayed', 'deposit_not_credited', 'kyc_verification', 'fees'][id % 4],
    language: ['en', 'ru', 'zh', 'es', 'ja', 'ko'][id % 6],
    tags: '["crypto","support"]',
    custom_fields: '[{"id":360000001001,"value":"fees"}]',
    is_deleted: false,
    created_at: iso(createdAt),
    updated_at: iso(updatedAt),
    generated_timestamp: Math.floor(updatedAt / 1000),
    _run_id: `extract-${dt}`,
    _extracted_at: `${dt}T23:30:00Z`,
  };
}

/** One day of the desk: new tickets, updates to recent ones, and a few to tickets created months ago. */
function simulateDay(day: number, start: number, tickets: Ticket[]): Record<string, unknown>[] {
  const dayStart = start + day * 86_400_000;
  const dt = new Date(dayStart).toISOString().slice(0, 10);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < ticketsPerDay; i++) {
    const createdAt = dayStart + Math.floor(random() * 86_000_000);
    const ticket = { id: tickets.length + 1, createdAt };
    tickets.push(ticket);
    rows.push(ticketRow(ticket.id, createdAt, createdAt, 'new', dt));
  }
  const recent = tickets.filter((t) => t.createdAt >= dayStart - 7 * 86_400_000 && t.createdAt < dayStart);
  for (const t of recent) {
    if (random() < 0.35) {
      rows.push(
        ticketRow(
          t.id,
          t.createdAt,
          dayStart + Math.floor(random() * 86_000_000),
          random() < 0.7 ? 'solved' : 'open',
          dt,
        ),
      );
    }
  }
  const oldUpdates = Math.round(ticketsPerDay * oldUpdateShare);
  const old = tickets.filter((t) => t.createdAt < dayStart - 30 * 86_400_000);
  for (let i = 0; i < oldUpdates && old.length > 0; i++) {
    const t = old[Math.floor(random() * old.length)] as Ticket;
    rows.push(ticketRow(t.id, t.createdAt, dayStart + Math.floor(random() * 86_000_000), 'open', dt));
  }
  return rows;
}

function dirSize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? dirSize(full) : statSync(full).size;
  }
  return total;
}

/** Parquet bytes per month partition of a table, as an Iceberg table partitioned by month would hold them. */
async function partitionBytes(
  engine: DuckDbEngine,
  table: string,
  root: string,
): Promise<Map<string, number>> {
  const dir = join(root, 'parquet', table);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(root, 'parquet'), { recursive: true });
  await engine.execute(
    `COPY (SELECT * FROM ${table}) TO ${quoteString(dir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (created_month))`,
  );
  const sizes = new Map<string, number>();
  for (const entry of readdirSync(dir))
    sizes.set(entry.replace('created_month=', ''), dirSize(join(dir, entry)));
  return sizes;
}

function billed(result: TransformResult, tickets: Map<string, number>, full: boolean) {
  const landing = result.landing.reduce((sum, l) => sum + l.newBytes, 0);
  const merge = result.models.find((m) => m.model === 'bench_tickets');
  const touched = merge?.partitions ?? [];
  const partitions = (list: Iterable<string>) => [...list].reduce((sum, p) => sum + (tickets.get(p) ?? 0), 0);
  // Full rebuild: CTAS reads no target; bench_daily reads all of bench_tickets.
  // Incremental: the MERGE reads the touched partitions of its target; bench_daily reads the same months.
  const curated = full ? partitions(tickets.keys()) : 2 * partitions(touched);
  return { landing, curated, total: landing + curated, touched: touched.length };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-models-'));
  const modelsDir = join(root, 'sql');
  cpSync(fileURLToPath(new URL('../sql/staging', import.meta.url)), join(modelsDir, 'staging'), {
    recursive: true,
  });
  for (const [file, sql] of Object.entries(BENCH_MODELS)) {
    mkdirSync(join(modelsDir, file, '..'), { recursive: true });
    writeFileSync(join(modelsDir, file), sql);
  }
  const store = new LocalObjectStore(join(root, 'lake'));
  const engine = await DuckDbEngine.open({
    database: join(root, 'warehouse.duckdb'),
    memoryLimit: '1GB',
    threads: 2,
  });
  try {
    const start = Date.parse('2024-01-01T00:00:00Z');
    const days = Math.round(months * 30.4);
    const tickets: Ticket[] = [];
    let rows = 0;
    const t0 = performance.now();
    for (let day = 0; day < days; day++) {
      const dayRows = simulateDay(day, start, tickets);
      rows += dayRows.length;
      const dt = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
      await store.put(
        `landing/zendesk/tickets/dt=${dt}/extract-${dt}-00001.jsonl.gz`,
        gzipSync(`${dayRows.map((r) => JSON.stringify(r)).join('\n')}\n`),
      );
      if (day % 60 === 59) console.log(`  landed ${day + 1}/${days} days, ${rows} rows`);
    }
    console.log(
      `history: ${months} months, ${days} days, ${tickets.length} tickets, ${rows} landing rows (${((performance.now() - t0) / 1000).toFixed(1)} s to write)`,
    );

    const fullStart = performance.now();
    const fullResult = await runTransform({ engine, store, runId: 'bench-full', modelsDir, full: true });
    const fullSeconds = (performance.now() - fullStart) / 1000;
    const fullSizes = await partitionBytes(engine, 'bench_tickets', root);
    const fullBytes = billed(fullResult, fullSizes, true);

    const next = days;
    const dayRows = simulateDay(next, start, tickets);
    const dt = new Date(start + next * 86_400_000).toISOString().slice(0, 10);
    await store.put(
      `landing/zendesk/tickets/dt=${dt}/extract-${dt}-00001.jsonl.gz`,
      gzipSync(`${dayRows.map((r) => JSON.stringify(r)).join('\n')}\n`),
    );
    const incStart = performance.now();
    let mark = incStart;
    const incResult = await runTransform({
      engine,
      store,
      runId: 'bench-day',
      modelsDir,
      onProgress: (event) => {
        const now = performance.now();
        if (event.stage === 'model-done' && event.action !== 'view') {
          console.log(
            `  day run: ${event.model} ${event.action} ${event.rows} rows in ${event.seconds.toFixed(2)} s`,
          );
        } else if (event.stage === 'landing' && event.newFiles > 0) {
          console.log(
            `  day run: ${event.table} ${event.newFiles} new file(s), ${((now - mark) / 1000).toFixed(2)} s since start`,
          );
        }
        mark = now;
      },
    });
    const incSeconds = (performance.now() - incStart) / 1000;
    const incSizes = await partitionBytes(engine, 'bench_tickets', root);
    const incBytes = billed(incResult, incSizes, false);

    console.log('');
    console.log('                      time        landing read    curated read    total billed');
    console.log(
      `full rebuild     ${fullSeconds.toFixed(2).padStart(8)} s   ${mib(fullBytes.landing).padStart(13)}   ${mib(fullBytes.curated).padStart(13)}   ${mib(fullBytes.total).padStart(13)}`,
    );
    console.log(
      `one more day     ${incSeconds.toFixed(2).padStart(8)} s   ${mib(incBytes.landing).padStart(13)}   ${mib(incBytes.curated).padStart(13)}   ${mib(incBytes.total).padStart(13)}`,
    );
    console.log('');
    console.log(
      `incremental day: ${dayRows.length} landing rows, ${incBytes.touched} of ${incSizes.size} month partitions touched; ` +
        `${((100 * incBytes.total) / fullBytes.total).toFixed(2)} % of the bytes (target ≤ 5 %), ` +
        `${((100 * incSeconds) / fullSeconds).toFixed(1)} % of the time (target ≤ 10 %)`,
    );
  } finally {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
