import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';

/**
 * A small warehouse holding the published marts in their agreed shapes (see /tmp/common.md and
 * KPIS.md), built with plain SQL in an in-memory DuckDB. Deterministic: values derive from the
 * day and KPI indexes. `days` controls the history length (the last day is 2026-11-22).
 */
export const FIXTURE_LAST_DAY = '2026-11-22';

const KPIS: readonly {
  kpi: string;
  direction: 'lower' | 'higher';
  target: number;
  base: number;
  frequency: string;
  owner: string;
}[] = [
  {
    kpi: 'first_reply_time_avg_s',
    direction: 'lower',
    target: 3_600,
    base: 3_300,
    frequency: 'daily',
    owner: 'operations manager',
  },
  {
    kpi: 'first_reply_time_p90_s',
    direction: 'lower',
    target: 14_400,
    base: 15_500,
    frequency: 'daily',
    owner: 'operations manager',
  },
  {
    kpi: 'chat_replied_within_60s_rate',
    direction: 'higher',
    target: 0.7,
    base: 0.72,
    frequency: 'daily',
    owner: 'chat supervisor',
  },
  {
    kpi: 'avg_reply_wait_s',
    direction: 'lower',
    target: 1_800,
    base: 2_000,
    frequency: 'daily',
    owner: 'operations manager',
  },
  {
    kpi: 'full_resolution_time_avg_s',
    direction: 'lower',
    target: 14_400,
    base: 190_000,
    frequency: 'weekly',
    owner: 'support manager',
  },
  {
    kpi: 'fcr_rate',
    direction: 'higher',
    target: 0.78,
    base: 0.8,
    frequency: 'weekly',
    owner: 'support analyst',
  },
  {
    kpi: 'sla_compliance_rate',
    direction: 'higher',
    target: 0.95,
    base: 0.93,
    frequency: 'weekly',
    owner: 'support operations',
  },
  {
    kpi: 'aht_s',
    direction: 'lower',
    target: 600,
    base: 540,
    frequency: 'weekly',
    owner: 'operations manager',
  },
  {
    kpi: 'csat_rate',
    direction: 'higher',
    target: 0.88,
    base: 0.9,
    frequency: 'quarterly',
    owner: 'quality manager',
  },
  { kpi: 'nps', direction: 'higher', target: 40, base: 35, frequency: 'half-yearly', owner: 'loyalty lead' },
  {
    kpi: 'escalation_rate',
    direction: 'lower',
    target: 0.06,
    base: 0.05,
    frequency: 'monthly',
    owner: 'head of support',
  },
  {
    kpi: 'peak_hour_frt_degradation',
    direction: 'lower',
    target: 0.005,
    base: 0.2,
    frequency: 'monthly',
    owner: 'IT / workforce',
  },
];

const BREAKDOWNS: Readonly<Record<string, readonly string[]>> = {
  channel: ['chat', 'email', 'web', 'phone', 'telegram', 'discord', 'social', 'api'],
  priority: ['low', 'normal', 'high', 'urgent'],
  vip_tier: ['none', 'silver', 'gold', 'platinum'],
  language: ['en', 'ru', 'zh', 'es', 'ja', 'ko'],
  category: [
    'withdrawal_delayed',
    'deposit_not_credited',
    'kyc_verification',
    'account_locked_2fa',
    'phishing',
    'fees',
    'other',
  ],
};

export interface FixtureOptions {
  readonly days?: number;
  readonly tickets?: number;
}

export async function openFixtureWarehouse(options: FixtureOptions = {}): Promise<QueryEngine> {
  const engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '512MB', threads: 1 });
  await createFixtureMarts(engine, options);
  return engine;
}

export async function createFixtureMarts(engine: QueryEngine, options: FixtureOptions = {}): Promise<void> {
  const days = options.days ?? 120;
  const tickets = options.tickets ?? 600;
  const kpiRows = KPIS.map(
    (k, i) => `(${i}, '${k.kpi}', '${k.direction}', ${k.target}, ${k.base}, '${k.frequency}', '${k.owner}')`,
  ).join(', ');
  const breakdownRows = Object.entries(BREAKDOWNS)
    .flatMap(([breakdown, values]) => values.map((v, j) => `('${breakdown}', '${v}', ${j})`))
    .join(', ');
  const statements = [
    `CREATE TABLE fx_kpis AS SELECT * FROM (VALUES ${kpiRows}) t(i, kpi, direction, target, base, frequency, owner)`,
    `CREATE TABLE fx_breakdowns AS SELECT * FROM (VALUES ('overall', 'all', 0), ${breakdownRows}) t(breakdown, breakdown_value, j)`,
    `CREATE TABLE fx_days AS SELECT CAST(DATE '${FIXTURE_LAST_DAY}' - CAST(d AS INTEGER) AS DATE) AS day, d FROM range(${days}) r(d)`,
    // Periods per grain: every day, Monday weeks, calendar months of the history.
    `CREATE TABLE fx_periods AS
       SELECT DISTINCT 'day' AS period_grain, day AS period_start FROM fx_days
       UNION ALL SELECT DISTINCT 'week', CAST(date_trunc('week', day) AS DATE) FROM fx_days
       UNION ALL SELECT DISTINCT 'month', CAST(date_trunc('month', day) AS DATE) FROM fx_days`,
    `CREATE TABLE kpi_values AS
       SELECT p.period_grain, p.period_start, b.breakdown, b.breakdown_value, k.kpi,
              CAST(round(CASE WHEN k.kpi LIKE '%rate' THEN least(0.999, k.base * (1 + 0.1 * sin(epoch(p.period_start) / 86400 / 5 + k.i + b.j)))
                              ELSE k.base * (1 + 0.15 * sin(epoch(p.period_start) / 86400 / 5 + k.i + b.j)) END, 6) AS DOUBLE) AS value,
              CAST(100 + b.j AS DOUBLE) AS numerator, CAST(120 + k.i AS DOUBLE) AS denominator,
              'v3' AS kpi_version, strftime(p.period_start, '%Y-%m') AS period_month
       FROM fx_periods p CROSS JOIN fx_kpis k CROSS JOIN fx_breakdowns b
       WHERE b.breakdown IN ('overall', 'channel') OR p.period_grain = 'month'`,
    // Targets per KPI, overall or per breakdown cell (first reply: chat ≤ 60 s, email ≤ 4 h), as
    // the KPI catalogue sets them; the scorecard has one row per target cell and period.
    `CREATE TABLE fx_targets AS
       SELECT kpi, 'overall' AS breakdown, 'all' AS breakdown_value, target FROM fx_kpis
       WHERE kpi NOT IN ('first_reply_time_avg_s', 'first_reply_time_p90_s')
       UNION ALL SELECT * FROM (VALUES
         ('first_reply_time_avg_s', 'channel', 'chat', 3600.0), ('first_reply_time_avg_s', 'channel', 'email', 14400.0),
         ('first_reply_time_p90_s', 'channel', 'chat', 14400.0)) t(kpi, breakdown, breakdown_value, target)`,
    `CREATE TABLE kpi_scorecard AS
       WITH cells AS (
         SELECT v.*, k.direction, t.target, k.frequency, k.owner FROM kpi_values v JOIN fx_kpis k USING (kpi)
         JOIN fx_targets t USING (kpi, breakdown, breakdown_value)),
       lagged AS (
         SELECT *, lag(value) OVER (PARTITION BY kpi, breakdown, breakdown_value, period_grain ORDER BY period_start) AS previous_actual,
                avg(value) OVER (PARTITION BY kpi, breakdown, breakdown_value, period_grain ORDER BY period_start ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS base,
                max(period_start) OVER (PARTITION BY kpi, breakdown, breakdown_value, period_grain) AS last_period
         FROM cells)
       SELECT kpi, breakdown, breakdown_value, period_grain, period_start, CAST(target AS DOUBLE) AS target,
              CASE WHEN kpi = 'nps' AND period_start = last_period THEN NULL ELSE value END AS actual,
              previous_actual, value - previous_actual AS change, direction, owner, frequency, 'ticket desk' AS source,
              CASE WHEN kpi = 'nps' AND period_start = last_period THEN 'no_data'
                   WHEN (direction = 'lower' AND value <= target) OR (direction = 'higher' AND value >= target) THEN 'met'
                   ELSE 'missed' END AS status,
              CAST(greatest(0, least(150, 100 * (value - coalesce(base, value)) / nullif(target - coalesce(base, value), 0))) AS DOUBLE) AS attainment,
              1.0 AS weight, 'v3' AS kpi_version
       FROM lagged`,
    `CREATE TABLE service_quality_index AS
       SELECT period_grain, period_start, sum(weight * attainment) / sum(weight) AS service_quality_index,
              count(*) AS kpis_scored, max(kpi_version) AS kpi_version
       FROM kpi_scorecard WHERE attainment IS NOT NULL GROUP BY period_grain, period_start`,
    `CREATE TABLE backlog_daily AS
       SELECT day AS day_date, b.breakdown, b.breakdown_value,
              CAST(200 + 40 * sin(d / 7.0) + b.j AS BIGINT) AS backlog_open,
              CAST(20000 + 3000 * cos(d / 9.0) AS DOUBLE) AS backlog_age_p50_s,
              CAST(260000 + 20000 * sin(d / 4.0) AS DOUBLE) AS backlog_age_p90_s, 'v3' AS kpi_version
       FROM fx_days CROSS JOIN fx_breakdowns b WHERE b.breakdown IN ('overall', 'channel')`,
    `CREATE TABLE ticket_volume_hourly AS
       SELECT day AS created_date, CAST(h AS INTEGER) AS created_hour, c.channel,
              CAST(30 + 25 * sin((h - 6) / 24.0 * 2 * pi()) + d % 5 AS BIGINT) * c.share AS ticket_count, 'v3' AS kpi_version
       FROM fx_days CROSS JOIN range(24) r(h)
       CROSS JOIN (VALUES ('all', 4), ('chat', 2), ('email', 1), ('web', 1)) c(channel, share)`,
    `CREATE TABLE dim_agents AS
       SELECT CAST(1000 + a AS BIGINT) AS agent_id, 'Agent ' || CAST(a AS VARCHAR) AS agent_name,
              'agent' || CAST(a AS VARCHAR) || '@exchange.example' AS email,
              CASE a % 3 WHEN 0 THEN 'L1 Frontline' WHEN 1 THEN 'L2 Specialists' ELSE 'VIP Desk' END AS group_name
       FROM range(18) r(a)`,
    `CREATE TABLE dim_groups AS SELECT * FROM (VALUES
       (1, 'L1 Frontline', 'L1'), (2, 'L2 Specialists', 'L2'), (3, 'L2 Payments', 'L2'), (4, 'L3 Engineering', 'L3'),
       (5, 'L3 Security', 'L3'), (6, 'VIP Desk', 'VIP'), (7, 'Chat Bot', 'BOT')) t(group_id, group_name, tier)`,
    `CREATE TABLE agent_performance AS
       SELECT a.agent_id, p.period_grain, p.period_start,
              CAST(40 + (a.agent_id * 7 + epoch(p.period_start) / 86400) % 60 AS BIGINT) AS tickets_solved,
              CAST(300 + (a.agent_id * 13) % 900 AS DOUBLE) AS first_reply_time_p50_s,
              CAST(420 + (a.agent_id * 11) % 400 AS DOUBLE) AS aht_s,
              CAST(0.8 + ((a.agent_id % 7) / 50.0) AS DOUBLE) AS csat_rate,
              CAST(0.6 + ((a.agent_id % 5) / 25.0) AS DOUBLE) AS one_touch_rate,
              CAST(((a.agent_id % 4) / 50.0) AS DOUBLE) AS reopen_rate,
              CAST(a.agent_id % 6 AS BIGINT) AS escalations_made, 'v3' AS kpi_version
       FROM (SELECT DISTINCT period_grain, period_start FROM fx_periods WHERE period_grain IN ('week', 'month')) p
       CROSS JOIN dim_agents a`,
    `CREATE TABLE sla_alerts AS SELECT * FROM (VALUES
       ('alert-0001', 'sla_compliance_rate', 'open', '2026-11-22T03:00:00.000Z', '2026-11-22T23:00:00.000Z', CAST(NULL AS VARCHAR), 0.874, 0.95, 5.0, 24.0, 'channel=chat; vip_tier=gold', 21, 'v3'),
       ('alert-0000', 'sla_compliance_rate', 'cleared', '2026-11-02T11:00:00.000Z', '2026-11-02T19:00:00.000Z', '2026-11-02T19:00:00.000Z', 0.88, 0.95, 5.0, 24.0, 'channel=email', 9, 'v3'))
       t(alert_id, kpi, status, raised_at, last_evaluated_at, cleared_at, actual, target, threshold_pp, window_hours, drivers, evaluations, kpi_version)`,
    // Tickets over the last three months, with personal data the analyst may not read and text
    // that CSV must quote (commas, quotes, non-ASCII).
    `CREATE TABLE fct_tickets AS
       SELECT CAST(100000 + n AS BIGINT) AS ticket_id, 'zendesk' AS source,
              'ck_' || md5(CAST(n % 97 AS VARCHAR)) AS customer_key,
              created_at, CAST(created_at AS DATE) AS created_date, substr(CAST(created_at AS VARCHAR), 1, 7) AS created_month,
              ['chat', 'email', 'web', 'phone', 'telegram'][1 + n % 5] AS channel,
              ['low', 'normal', 'high', 'urgent'][1 + n % 4] AS priority,
              ['withdrawal_delayed', 'kyc_verification', 'phishing', 'other'][1 + n % 4] AS category,
              ['en', 'ru', 'zh', 'ja'][1 + n % 4] AS language,
              ['none', 'silver', 'gold', 'platinum'][1 + n % 4] AS vip_tier,
              CASE WHEN n % 6 = 0 THEN 'open' ELSE 'solved' END AS status,
              CASE WHEN n % 10 = 0 THEN NULL ELSE CAST(30 + (n * 37) % 7200 AS DOUBLE) END AS first_reply_time_s,
              n % 17 = 0 AS is_escalated,
              CASE WHEN n % 3 = 0 THEN CAST(1 + n % 5 AS DOUBLE) END AS csat_score,
              CASE n % 5 WHEN 0 THEN 'VIP, "gold" desk' WHEN 1 THEN 'Чат 24/7' ELSE 'standard' END AS sla_policy
       FROM (SELECT n, TIMESTAMP '${FIXTURE_LAST_DAY} 23:00:00' - to_seconds(CAST((n * 7919) % (86400 * 80) AS BIGINT)) AS created_at
             FROM range(${tickets}) r(n))`,
    'DROP TABLE fx_kpis',
    'DROP TABLE fx_breakdowns',
    'DROP TABLE fx_days',
    'DROP TABLE fx_periods',
    'DROP TABLE fx_targets',
  ];
  for (const statement of statements) await engine.execute(statement);
}
