/**
 * Benchmark of the real KPI models: simulate N months of the desk, extract and build everything
 * (full rebuild), then move the simulator's clock one day on, extract that day and build
 * incrementally. Prints, for both, the run time and the bytes of table data read as Athena would
 * bill them, and the ratios against the targets (≤ 5 % of the bytes, ≤ 10 % of the time).
 *
 *   npx tsx bench/kpi-incremental.ts [--months 6] [--tickets-per-day 100] [--seed 42] [--days 1]
 *
 * Not the cost figure: what Athena bills a day (every statement of the daily chain, the 10 MB
 * minimum, pruning as the engine reports it) is `npm run bench:athena-cost`
 * (bench/athena-daily-cost.ts, from the local Athena's accounting). The model below stays as a
 * quick DuckDB-engine ratio of incremental to full work over long histories.
 *
 * How bytes are counted (DuckDB reports none; same idea as bench/models-incremental.ts):
 * - landing: the gzip JSON files the `__new` sources read — every file on the full rebuild, the
 *   day's files incrementally (exact sizes in the lake), billed to every model that scans them
 *   through a staging view (each model is one Athena query, and a view is scanned by each query
 *   that reads it);
 * - curated: after each run every table is exported to Parquet (zstd), split by its partition
 *   column as the Iceberg table would be. A model is billed once for each table it reads, views
 *   expanded: the whole table, except month-partitioned tables its SQL prunes by month, which are
 *   billed the months it read (derived from the partitions the run replaced, as the model's SQL
 *   derives them). A MERGE also reads its target (the touched partitions; all of an unpartitioned
 *   one), a replace_partitions MERGE twice (its anti-join and the MERGE), but only the columns its
 *   statement names (unique key, partition and version columns: the Parquet column chunks). Models
 *   are billed whole partitions, not only the columns they read: both runs are over-counted alike.
 * Extraction time is printed apart; the time ratio is of the transform. BENCH_DEBUG=1 prints what the
 * day changed (changed / unsolved / affected tickets, staging rows per stream).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { quoteIdentifier, quoteString } from '#src/engines/engine-statements.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { buildSeeds } from '#src/kpi/build-seeds.ts';
import { loadModels, type Model } from '#src/models/load-models.ts';
import { buildModelGraph } from '#src/models/model-graph.ts';
import { runTransform, type TransformResult } from '#src/models/run-transform.ts';
import { startSimulator } from '#src/simulator/start-simulator.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

const { values: args } = parseArgs({
  options: {
    months: { type: 'string', default: '6' },
    'tickets-per-day': { type: 'string', default: '100' },
    seed: { type: 'string', default: '42' },
    days: { type: 'string', default: '1' },
  },
});
const months = Number(args.months);
const ticketsPerDay = Number(args['tickets-per-day']);
const incrementalDays = Number(args.days);
const HMAC_KEY = 'bench-hmac-key-0123456789abcdef';
const DAY_MS = 86_400_000;

const models = loadModels();
const graph = buildModelGraph(models);
const byName = new Map<string, Model>(models.map((m) => [m.name, m]));

/** Every relation a model reads that is not a view (views expanded), itself left out. */
function relationsRead(name: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  for (const table of graph.reads.get(name)?.tables ?? []) {
    if (table === name || seen.has(table)) continue;
    seen.add(table);
    if (byName.get(table)?.header.materialized === 'view')
      for (const t of relationsRead(table, seen)) out.add(t);
    else out.add(table);
  }
  return out;
}

/** Tables a model reads, views expanded; landing and seeds left out (billed apart / tiny). */
const baseTablesRead = (name: string) =>
  [...relationsRead(name)].filter((t) => byName.has(t) || t === 'warehouse_runs');

/** Landing sources a model scans, views expanded (`landing_x__new` → `landing_x`). */
const landingRead = (name: string) =>
  new Set(
    [...relationsRead(name)].filter((t) => t.startsWith('landing_')).map((t) => t.replace(/__new$/, '')),
  );

function dirSize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? dirSize(full) : statSync(full).size;
  }
  return total;
}

/** Parquet bytes of every materialised model, per partition ('*' for an unpartitioned table). */
async function tableBytes(engine: DuckDbEngine, root: string): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  const base = join(root, 'parquet');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  for (const model of models) {
    if (model.header.materialized === 'view') continue;
    const dir = join(base, model.name);
    const p = model.header.partitionBy;
    const sizes = new Map<string, number>();
    if (p) {
      await engine.execute(
        `COPY (SELECT * FROM ${quoteIdentifier(model.name)}) TO ${quoteString(dir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${quoteIdentifier(p)}), OVERWRITE_OR_IGNORE)`,
      );
      for (const entry of readdirSync(dir)) sizes.set(entry.replace(`${p}=`, ''), dirSize(join(dir, entry)));
    } else {
      const file = `${dir}.parquet`;
      await engine.execute(
        `COPY (SELECT * FROM ${quoteIdentifier(model.name)}) TO ${quoteString(file)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      sizes.set('*', statSync(file).size);
    }
    out.set(model.name, sizes);
  }
  return out;
}

/** Per table, partition and column: compressed bytes of the column chunks tableBytes just wrote. */
type ColumnBytes = Map<string, Map<string, Map<string, number>>>;

async function columnBytes(engine: DuckDbEngine, root: string): Promise<ColumnBytes> {
  const out: ColumnBytes = new Map();
  const base = join(root, 'parquet');
  for (const model of models) {
    if (model.header.materialized === 'view') continue;
    const p = model.header.partitionBy;
    const glob = p ? join(base, model.name, '**', '*.parquet') : join(base, `${model.name}.parquet`);
    const rows = (
      await engine.execute(
        `SELECT file_name, path_in_schema AS col, sum(total_compressed_size) AS bytes FROM parquet_metadata(${quoteString(glob)}) GROUP BY ALL`,
      )
    ).rows;
    const byPartition = new Map<string, Map<string, number>>();
    for (const r of rows) {
      const partition = p ? (String(r.file_name).match(new RegExp(`${p}=([^/]+)`))?.[1] ?? '?') : '*';
      const cols = byPartition.get(partition) ?? new Map<string, number>();
      cols.set(String(r.col), (cols.get(String(r.col)) ?? 0) + Number(r.bytes));
      byPartition.set(partition, cols);
    }
    out.set(model.name, byPartition);
  }
  return out;
}

const nextMonth = (m: string, n: number) => {
  const d = new Date(`${m}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};

interface Billing {
  landing: number;
  curated: number;
  perModel: Map<string, number>;
  /** Incremental runs: bytes billed per table read (summed over the models reading it). */
  readBytes: Map<string, number>;
  /** Incremental runs: bytes billed per model and table it read (`model ← table`). */
  pairBytes: Map<string, number>;
}

/**
 * The partitions each pruned read of an incremental run covered, derived as the model SQL derives
 * them (its `partition in (select … from <per-run table>)` filters), from the per-run tables, which
 * still hold this run's values. A model reading a partitioned table without such a filter is billed
 * the whole table.
 */
async function prunedReads(
  engine: DuckDbEngine,
  result: TransformResult,
): Promise<Map<string, Map<string, Set<string>>>> {
  const list = async (sql: string) =>
    new Set((await engine.execute(sql)).rows.map((r) => String(r.m)).filter((m) => m !== 'null'));
  const inList = (set: Set<string>) =>
    set.size === 0 ? "('')" : `(${[...set].map(quoteString).join(', ')})`;
  const union = (...sets: Set<string>[]) => new Set(sets.flatMap((x) => [...x]));
  const withNext = (set: Set<string>) => union(set, new Set([...set].map((m) => nextMonth(m, 1))));
  const shifted = (set: Set<string>, shifts: number[]) =>
    new Set([...set].flatMap((m) => shifts.map((n) => nextMonth(m, n))));
  const ticketMonths = async (source: Set<string>) =>
    union(
      source,
      await list(
        `SELECT DISTINCT created_month AS m FROM chg_ticket_status_months WHERE status_month IN ${inList(source)}`,
      ),
    );
  const written = (model: string) => new Set(result.models.find((m) => m.model === model)?.partitions ?? []);

  const affectedMonths = await list('SELECT period_month AS m FROM chg_affected_months');
  const backlogMonths = await list('SELECT period_month AS m FROM chg_backlog_months');
  const affectedCreated = await list('SELECT DISTINCT created_month AS m FROM chg_affected_tickets');
  // Ratings by their ticket's created month, plus those that landed before their ticket.
  const ratingMonths = union(affectedCreated, new Set(['0000-00']));
  const eventMonths = await list('SELECT event_month AS m FROM chg_affected_event_months');
  // chg_affected_tickets: the new, deleted or re-assigned tickets of known customers (their windows).
  const contacts = `SELECT i.created_s FROM chg_changed_tickets AS c
      INNER JOIN int_ticket_index AS i ON i.ticket_id = c.ticket_id
      INNER JOIN int_user_kinds AS u ON u.user_id = i.requester_id
      WHERE c.moves_neighbours AND u.customer_key IS NOT NULL`;
  const monthOf = (expr: string) => `substr(CAST(to_timestamp(${expr}) AS VARCHAR), 1, 7)`;
  const fcrMonths = await list(`SELECT event_month AS m FROM chg_event_months WHERE event_month >= (
      SELECT ${monthOf('min(created_s) - 8 * 86400')} FROM (${contacts}))`);
  // Index months by id range: the months whose [min, max] id holds a ticket of a set.
  const rangeMonths = (ids: string) =>
    list(`SELECT DISTINCT m.created_month_utc AS m FROM chg_ticket_months AS m
      INNER JOIN (${ids}) AS t ON t.ticket_id BETWEEN m.min_ticket_id AND m.max_ticket_id`);
  const openMonths = await list(
    'SELECT created_month_utc AS m FROM chg_ticket_months WHERE open_tickets > 0',
  );
  const affectedIndexMonths = union(
    await rangeMonths('SELECT ticket_id FROM chg_changed_tickets WHERE moves_neighbours'),
    await list(`SELECT created_month_utc AS m FROM chg_ticket_months
      WHERE created_month_utc BETWEEN (SELECT ${monthOf('min(created_s) - 8 * 86400')} FROM (${contacts}))
        AND (SELECT ${monthOf('max(created_s) + 8 * 86400')} FROM (${contacts}))`),
    await rangeMonths(`SELECT s.ticket_id FROM int_status_changes AS s WHERE s.changed_s BETWEEN
      (SELECT min(created_s) - 8 * 86400 FROM (${contacts})) AND (SELECT max(created_s) + 86400 FROM (${contacts}))`),
    openMonths,
    await rangeMonths('SELECT ticket_id FROM chg_affected_tickets'),
  );
  const crmIndexMonths =
    await list(`SELECT created_month_utc AS m FROM chg_ticket_months WHERE created_month_utc >= (
      SELECT ${monthOf('min(to_unixtime(valid_from)) - 1')} FROM stg_hubspot__contact_snapshots WHERE customer_key IS NOT NULL)`);
  const fctIndexMonths =
    await list(`SELECT created_month_utc AS m FROM chg_ticket_months WHERE created_month_utc >= (
      SELECT ${monthOf('min(created_s) - 8 * 86400')} FROM chg_affected_tickets)`);
  const kvSource = withNext(union(affectedMonths, backlogMonths));
  const apSource = withNext(affectedMonths);
  // contact_reasons: creation months (and their weeks' start months) of tickets whose creation-dated
  // measures can move; ticket_volume_hourly: creation months of tickets created, deleted or restored.
  const createdMonths = await list(`WITH d AS (
      SELECT DISTINCT CAST(to_timestamp(a.created_s + o.offset_s) AS DATE) AS created_date
      FROM chg_affected_tickets AS a
      INNER JOIN cfg_reporting_offsets AS o ON a.created_s >= o.valid_from_s AND a.created_s < o.valid_to_s
      WHERE a.moves_created)
    SELECT substr(CAST(created_date AS VARCHAR), 1, 7) AS m FROM d
    UNION SELECT substr(CAST(CAST(date_trunc('week', created_date) AS DATE) AS VARCHAR), 1, 7) FROM d`);
  const volumeMonths = await list(`SELECT DISTINCT a.created_month AS m FROM chg_affected_tickets AS a
    INNER JOIN chg_changed_tickets AS c ON c.ticket_id = a.ticket_id WHERE c.moves_neighbours`);
  const scorecardMonths = shifted(union(affectedMonths, backlogMonths), [0, 1, 2, 3]);
  // backlog_daily: tickets open at some instant of the days it measures, by created month.
  const backlogRelevantSql = (column: string) => `
    WITH run AS (SELECT now_s FROM cfg_run),
    logged AS (
      SELECT ticket_id, status, changed_s AS from_s,
        coalesce(lead(changed_s) OVER (PARTITION BY ticket_id ORDER BY changed_s, event_order, event_id), 1e11) AS to_s
      FROM int_status_changes),
    days AS (
      SELECT least(CAST(d.day_end_s AS DOUBLE), r.now_s) AS measured_s FROM cfg_reporting_days AS d CROSS JOIN run AS r
      WHERE d.day_start_s <= r.now_s AND substr(d.day_date, 1, 7) IN (SELECT period_month FROM chg_backlog_months)),
    bounds AS (SELECT min(measured_s) AS first_s, max(measured_s) AS last_s FROM days),
    relevant AS (
      SELECT l.ticket_id FROM logged AS l CROSS JOIN bounds AS b
      WHERE l.status NOT IN ('solved', 'closed', 'deleted') AND l.from_s <= b.last_s AND l.to_s > b.first_s
      UNION
      SELECT ticket_id FROM int_ticket_index WHERE is_open)
    SELECT DISTINCT i.${column} AS m FROM int_ticket_index AS i INNER JOIN relevant AS r ON r.ticket_id = i.ticket_id`;
  const backlogRelevant = await list(backlogRelevantSql('created_month'));
  const backlogIndexMonths = union(openMonths, await list(backlogRelevantSql('created_month_utc')));

  // backlog_daily: status changes from the earliest creation month of the tickets whose intervals
  // can reach the days it measures.
  const backlogStatusMonths = await list(`
    WITH run AS (SELECT now_s FROM cfg_run),
    days AS (
      SELECT least(CAST(d.day_end_s AS DOUBLE), r.now_s) AS measured_s FROM cfg_reporting_days AS d CROSS JOIN run AS r
      WHERE d.day_start_s <= r.now_s AND substr(d.day_date, 1, 7) IN (SELECT period_month FROM chg_backlog_months)),
    candidates AS (
      SELECT ticket_id FROM int_status_changes
      WHERE event_month >= (SELECT substr(CAST(to_timestamp(min(measured_s) - 86400) AS VARCHAR), 1, 7) FROM days)
      UNION SELECT ticket_id FROM int_ticket_log_status WHERE last_status NOT IN ('solved', 'closed', 'deleted')
      UNION SELECT ticket_id FROM int_ticket_index WHERE is_open)
    SELECT DISTINCT event_month AS m FROM int_status_changes
    WHERE event_month >= (SELECT min(i.created_month_utc) FROM int_ticket_index AS i INNER JOIN candidates AS c ON c.ticket_id = i.ticket_id)`);

  const reads = new Map<string, Map<string, Set<string>>>([
    ['int_customer_vip_points', new Map([['int_contact_snapshots', written('int_contact_snapshots')]])],
    [
      'fct_tickets',
      new Map([
        ['int_tickets', affectedCreated],
        ['int_status_changes', eventMonths],
        ['int_routing_changes', eventMonths],
        ['int_comments', eventMonths],
        ['int_satisfaction_ratings', ratingMonths],
        ['int_ticket_index', fctIndexMonths],
      ]),
    ],
    [
      'fct_satisfaction_ratings',
      new Map([
        ['fct_tickets', affectedCreated],
        ['int_satisfaction_ratings', ratingMonths],
      ]),
    ],
    ['chg_rating_months', new Map([['fct_satisfaction_ratings', affectedCreated]])],
    [
      'chg_affected_months',
      new Map([
        ['int_status_changes', eventMonths],
        ['chg_rating_dates', ratingMonths],
        [
          'int_customer_trades',
          await list(`SELECT DISTINCT substr(CAST(last_trade_at AS VARCHAR), 1, 7) AS m FROM stg_hubspot__contact_snapshots
            WHERE customer_key IS NOT NULL AND last_trade_at IS NOT NULL`),
        ],
      ]),
    ],
    ['chg_ticket_status_months', new Map([['int_status_changes', eventMonths]])],
    [
      'chg_affected_tickets',
      new Map([
        ['int_status_changes', fcrMonths],
        ['int_ticket_index', affectedIndexMonths],
      ]),
    ],
    ['chg_ticket_months', new Map([['int_ticket_index', written('int_ticket_index')]])],
    [
      'chg_log_open_months',
      new Map([
        [
          'int_ticket_log_status',
          await list('SELECT DISTINCT created_month_utc AS m FROM chg_affected_tickets'),
        ],
      ]),
    ],
    ['chg_changed_tickets', new Map([['int_ticket_index', crmIndexMonths]])],
    [
      'kpi_values',
      new Map([
        ['fct_tickets', await ticketMonths(kvSource)],
        ['backlog_daily', kvSource],
        ['int_customer_trades', shifted(kvSource, [-1, 0, 1, 2])],
        [
          'fct_satisfaction_ratings',
          await list(
            `SELECT DISTINCT created_month AS m FROM chg_rating_months WHERE rating_month IN ${inList(kvSource)}`,
          ),
        ],
      ]),
    ],
    [
      'agent_performance',
      new Map([
        ['fct_tickets', await ticketMonths(apSource)],
        [
          'fct_satisfaction_ratings',
          await list(
            `SELECT DISTINCT created_month AS m FROM chg_rating_months WHERE rating_month IN ${inList(apSource)}`,
          ),
        ],
      ]),
    ],
    ['contact_reasons', new Map([['fct_tickets', withNext(createdMonths)]])],
    ['ticket_volume_hourly', new Map([['fct_tickets', volumeMonths]])],
    ['kpi_scorecard', new Map([['kpi_values', shifted(scorecardMonths, [0, -1, -2, -3])]])],
    [
      'backlog_daily',
      new Map([
        ['fct_tickets', backlogRelevant],
        ['int_status_changes', backlogStatusMonths],
        ['int_ticket_index', backlogIndexMonths],
        [
          'int_ticket_log_status',
          await list('SELECT created_month_utc AS m FROM chg_log_open_months WHERE open_tickets > 0'),
        ],
      ]),
    ],
    ['int_ticket_log_status', new Map([['int_status_changes', eventMonths]])],
  ]);
  return reads;
}

function bill(
  result: TransformResult,
  sizes: Map<string, Map<string, number>>,
  columns: ColumnBytes,
  pruned: Map<string, Map<string, Set<string>>> | undefined,
): Billing {
  // Every model scanning a staging view scans its landing files again (Athena bills each query).
  const landingBytes = new Map(result.landing.map((l) => [l.table, result.full ? l.totalBytes : l.newBytes]));
  let landing = 0;
  for (const m of result.models) {
    if (m.action === 'view') continue;
    for (const table of landingRead(m.model)) landing += landingBytes.get(table) ?? 0;
  }
  const sum = (table: string, parts?: Iterable<string>) => {
    const s = sizes.get(table);
    if (!s) return 0;
    if (!parts) return [...s.values()].reduce((a, b) => a + b, 0);
    let total = 0;
    for (const p of parts) total += s.get(p) ?? 0;
    return total;
  };
  const perModel = new Map<string, number>();
  const readBytes = new Map<string, number>();
  const pairBytes = new Map<string, number>();
  for (const m of result.models) {
    if (m.action === 'view') continue;
    let bytes = 0;
    for (const table of baseTablesRead(m.model)) {
      const bytesOfTable = sum(table, result.full ? undefined : pruned?.get(m.model)?.get(table));
      bytes += bytesOfTable;
      if (!result.full) readBytes.set(table, (readBytes.get(table) ?? 0) + bytesOfTable);
      if (!result.full) pairBytes.set(`${m.model} ← ${table}`, bytesOfTable);
    }
    if (m.action === 'merge') {
      // A MERGE reads of its target only the columns it names: the unique key, the partition
      // column and the version column (replace_partitions twice: its anti-join and the MERGE).
      const header = byName.get(m.model)?.header;
      const named = new Set([...(header?.uniqueKey ?? []), header?.partitionBy, header?.versionColumn]);
      const parts = header?.partitionBy ? (m.partitions ?? []) : ['*'];
      let target = 0;
      for (const part of parts) {
        for (const [col, b] of columns.get(m.model)?.get(part) ?? []) if (named.has(col)) target += b;
      }
      const merged = header?.incrementalStrategy === 'replace_partitions' ? 2 * target : target;
      bytes += merged;
      readBytes.set(`${m.model} (merge target)`, (readBytes.get(`${m.model} (merge target)`) ?? 0) + merged);
    }
    perModel.set(m.model, bytes);
  }
  return {
    landing,
    curated: [...perModel.values()].reduce((a, b) => a + b, 0),
    perModel,
    readBytes,
    pairBytes,
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-kpi-'));
  const startDate = '2026-01-01';
  // The fast simulator has no rate limits: pacing off, as `warehouse run` does for it.
  const unpaced = { startDate, requestsPerMinute: 1e6, apiRequestsPerMinute: 1e6 };
  const config = parseConfig({
    lake: { kind: 'local', root: join(root, 'lake') },
    stateDir: join(root, 'state'),
    sources: {
      zendesk: unpaced,
      hubspot: { startDate, requestsPer10s: 1e6, searchRequestsPerSecond: 1e6 },
    },
  });
  const store = new LocalObjectStore(join(root, 'lake'));
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
  const engine = await DuckDbEngine.open({
    database: join(root, 'warehouse.duckdb'),
    memoryLimit: '1GB',
    threads: 2,
  });
  const progress =
    (label: string) =>
    (event: Parameters<NonNullable<Parameters<typeof runTransform>[0]['onProgress']>>[0]) => {
      if (event.stage === 'model-done' && event.action !== 'view' && event.seconds > 1) {
        console.log(`  ${label}: ${event.model} ${event.action} in ${event.seconds.toFixed(1)} s`);
      }
    };
  try {
    console.log(
      `simulating ${months} months × ${ticketsPerDay} tickets/day (${days} days) up to ${historyEnd.toISOString()}`,
    );
    let t = performance.now();
    await runExtraction({
      config,
      store,
      runId: 'bench-extract-history',
      endpoints,
      hmacKey: HMAC_KEY,
      now: () => sim.clock.now(),
    });
    const extractFull = (performance.now() - t) / 1000;
    console.log(`  extracted the history in ${extractFull.toFixed(1)} s`);
    t = performance.now();
    const fullResult = await runTransform({
      config,
      engine,
      store,
      runId: 'bench-full',
      full: true,
      seeds: buildSeeds(config, { now: sim.clock.now() }),
      now: sim.clock.now(),
      onProgress: progress('full'),
    });
    const fullSeconds = (performance.now() - t) / 1000;
    const fullBill = bill(
      fullResult,
      await tableBytes(engine, root),
      await columnBytes(engine, root),
      undefined,
    );

    /** Moves the simulator's clock one day on, extracts that day and builds it incrementally. */
    const oneDay = async (n: number) => {
      sim.clock.advance(DAY_MS);
      let started = performance.now();
      await runExtraction({
        config,
        store,
        runId: `bench-extract-day-${n}`,
        endpoints,
        hmacKey: HMAC_KEY,
        now: () => sim.clock.now(),
      });
      const extractSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      const result = await runTransform({
        config,
        engine,
        store,
        runId: `bench-day-${n}`,
        seeds: buildSeeds(config, { now: sim.clock.now() }),
        now: sim.clock.now(),
        onProgress: progress('day'),
      });
      const seconds = (performance.now() - started) / 1000;
      const sizes = await tableBytes(engine, root);
      return {
        extractSeconds,
        result,
        seconds,
        sizes,
        billed: bill(result, sizes, await columnBytes(engine, root), await prunedReads(engine, result)),
      };
    };
    const first = await oneDay(1);
    const extractDay = first.extractSeconds;
    console.log(`  extracted one more day in ${extractDay.toFixed(1)} s`);
    const { result: dayResult, seconds: daySeconds, sizes: daySizes, billed: dayBill } = first;

    if (process.env.BENCH_DEBUG) {
      for (const sql of [
        "SELECT 'changed' AS what, count(*) AS n, min(t.created_at) AS oldest FROM chg_changed_tickets c JOIN int_tickets t USING (ticket_id)",
        "SELECT 'unsolved' AS what, count(*) AS n, min(created_at) AS oldest FROM int_tickets WHERE status NOT IN ('solved', 'closed') AND NOT is_deleted",
        "SELECT 'affected' AS what, count(*) AS n, min(t.created_at) AS oldest FROM chg_affected_tickets a JOIN int_tickets t USING (ticket_id)",
        "SELECT 'stg tickets' AS what, count(*) AS n, min(created_at) AS oldest FROM stg_zendesk__tickets",
        "SELECT 'stg events' AS what, count(DISTINCT ticket_id) AS n, min(created_at) AS oldest FROM stg_zendesk__ticket_events",
        "SELECT 'stg comments' AS what, count(DISTINCT ticket_id) AS n FROM stg_zendesk__comments",
        "SELECT 'stg ratings' AS what, count(DISTINCT ticket_id) AS n FROM stg_zendesk__satisfaction_ratings",
        "SELECT 'stg snapshots' AS what, count(*) AS n, min(valid_from) AS oldest, max(valid_from) AS newest FROM stg_hubspot__contact_snapshots",
      ]) {
        console.log((await engine.execute(sql)).rows);
      }
    }
    const fullTotal = fullBill.landing + fullBill.curated;
    const dayTotal = dayBill.landing + dayBill.curated;
    console.log('');
    console.log('                   transform   landing read    curated read    total billed');
    for (const [label, s, b] of [
      ['full rebuild', fullSeconds, fullBill],
      ['one more day', daySeconds, dayBill],
    ] as const) {
      console.log(
        `${label.padEnd(16)} ${s.toFixed(2).padStart(8)} s ${mib(b.landing).padStart(14)} ${mib(b.curated).padStart(15)} ${mib(b.landing + b.curated).padStart(15)}`,
      );
    }
    console.log('');
    console.log('largest curated reads of the day run (model: bytes day / full):');
    for (const [model, bytes] of [...dayBill.perModel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      console.log(
        `  ${model.padEnd(28)} ${mib(bytes).padStart(12)} / ${mib(fullBill.perModel.get(model) ?? 0)}`,
      );
    }
    console.log('');
    console.log('largest tables read by the day run (bytes summed over the models reading them):');
    for (const [table, bytes] of [...dayBill.readBytes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
      console.log(`  ${table.padEnd(40)} ${mib(bytes).padStart(12)}`);
    }
    if (process.env.BENCH_DEBUG) {
      console.log('');
      console.log('largest reads of the day run by model and table:');
      for (const [pair, bytes] of [...dayBill.pairBytes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
        console.log(`  ${pair.padEnd(60)} ${mib(bytes).padStart(12)}`);
      }
      console.log('');
      console.log(
        'every model of the day run (billed day / full, seconds day / full; table size after the day):',
      );
      for (const m of dayResult.models) {
        const f = fullResult.models.find((x) => x.model === m.model);
        const size = [...(daySizes.get(m.model)?.values() ?? [])].reduce((a, b) => a + b, 0);
        console.log(
          `  ${m.model.padEnd(32)} ${m.action.padEnd(8)} ${mib(dayBill.perModel.get(m.model) ?? 0).padStart(10)} / ${mib(fullBill.perModel.get(m.model) ?? 0).padStart(10)}` +
            `  ${m.seconds.toFixed(2).padStart(5)} / ${(f?.seconds ?? 0).toFixed(2).padStart(5)} s  size ${mib(size)} in ${daySizes.get(m.model)?.size ?? 0}`,
        );
      }
    }
    const kv = dayResult.models.find((m) => m.model === 'kpi_values');
    console.log('');
    console.log(
      `kpi_values months recomputed: ${kv?.partitions?.join(', ') ?? 'all'} of ${daySizes.get('kpi_values')?.size ?? 0}; ` +
        `extract ${extractDay.toFixed(1)} s vs ${extractFull.toFixed(1)} s`,
    );
    console.log(
      `incremental day: ${((100 * dayTotal) / fullTotal).toFixed(2)} % of the bytes (target ≤ 5 %), ` +
        `${((100 * daySeconds) / fullSeconds).toFixed(1)} % of the transform time (target ≤ 10 %)`,
    );
    if (incrementalDays > 1) {
      // Later days show a run away from the month edge the first day sits on.
      const ratios = [{ bytes: dayTotal / fullTotal, time: daySeconds / fullSeconds }];
      for (let n = 2; n <= incrementalDays; n++) {
        const day = await oneDay(n);
        const total = day.billed.landing + day.billed.curated;
        ratios.push({ bytes: total / fullTotal, time: day.seconds / fullSeconds });
        const months =
          day.result.models.find((m) => m.model === 'kpi_values')?.partitions?.join(', ') ?? 'all';
        console.log(
          `day ${n} (${sim.clock.now().toISOString().slice(0, 10)}): ${mib(total)}, ${((100 * total) / fullTotal).toFixed(2)} % of the bytes, ` +
            `${((100 * day.seconds) / fullSeconds).toFixed(1)} % of the time; kpi_values months ${months}`,
        );
      }
      const median = (xs: number[]) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const mid = Math.floor(sorted.length / 2);
        return sorted.length % 2
          ? (sorted[mid] as number)
          : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      };
      console.log(
        `median of ${ratios.length} days: ${(100 * median(ratios.map((r) => r.bytes))).toFixed(2)} % of the bytes, ` +
          `${(100 * median(ratios.map((r) => r.time))).toFixed(1)} % of the transform time`,
      );
    }
  } finally {
    await engine.close();
    await sim.close();
    if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

await main();
