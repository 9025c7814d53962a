-- materialized: incremental
-- unique_key: period_grain, period_start, breakdown, breakdown_value, kpi
-- partition_by: period_month
-- incremental_strategy: replace_partitions
-- description: Every KPI of KPIS.md per day, week and month, overall and by channel, priority, VIP tier, language, category and group tier (long form, with numerator and denominator)
-- test: unique(period_grain, period_start, breakdown, breakdown_value, kpi)
-- test: not_null(period_grain, period_start, breakdown, breakdown_value, kpi, kpi_version)
-- test: accepted_values(period_grain: day, week, month)
-- test: accepted_values(breakdown: overall, channel, priority, vip_tier, language, category, group_tier)
-- test: freshness(period_start, 2d, fct_ticket_events.created_at)
-- column: period_grain: Period length: day, week (ISO, starting Monday) or month
-- column: period_start: First day of the period (date in the reporting time zone)
-- column: breakdown: Breakdown dimension: overall, channel, priority, vip_tier, language, category or group_tier
-- column: breakdown_value: Cell of the breakdown (a channel, a priority, …); 'all' on the overall row
-- column: kpi: KPI name from the catalogue (KPIS.md), e.g. first_reply_time_avg_s
-- column: value: The KPI value: seconds for *_s, a fraction 0–1 for *_rate, a score for nps; null when the denominator is 0
-- column: numerator: Numerator of the value (a sum or count); null for medians and percentiles
-- column: denominator: Denominator of the value (tickets, ratings, waits …); null for medians and percentiles
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: period_month: Partition key: month of period_start, YYYY-MM (reporting zone)
with run as (
  select now_s, kpi_version from cfg_run
),

-- Which months this run recomputes, and which partitions their rows read, is chg_months_to_recompute's
-- answer: every read below is pruned to it.
trades as (
  select customer_key, last_trade_at
  from int_customer_trades
  where trade_month in (
    select partition_month from chg_months_to_recompute where mart = 'kpi_values' and month_kind = 'trade_read'
  )
),

facts as (
  select
    f.*,
    coalesce(c.is_security, false) as is_security_category,
    coalesce(c.is_wallet, false) as is_wallet_category
  from fct_tickets as f
  left join cfg_categories as c on c.category = f.category
  where not f.is_deleted and f.created_month in (
    select partition_month from chg_months_to_recompute where mart = 'kpi_values' and month_kind = 'ticket_read'
  )
),

breakdowns as (
  select breakdown
  from (
    values ('overall'), ('channel'), ('priority'), ('vip_tier'), ('language'), ('category'), ('group_tier')
  ) as b (breakdown)
),

-- One row per ticket and KPI it takes part in: the date it counts on, and either a numerator /
-- denominator pair (rates, means, counts) or a value x (percentiles).
observations as (
  -- created in the period ------------------------------------------------------------------
  select ticket_id, created_date as anchor_date, 'first_reply_time_avg_s' as kpi, 'ratio' as agg,
    first_reply_time_s as num, 1e0 as den, cast(null as double) as x
  from facts where first_reply_time_s is not null
  union all
  select ticket_id, created_date, 'first_reply_time_p50_s', 'p50', null, null, first_reply_time_s
  from facts where first_reply_time_s is not null
  union all
  select ticket_id, created_date, 'first_reply_time_p90_s', 'p90', null, null, first_reply_time_s
  from facts where first_reply_time_s is not null
  union all
  select ticket_id, created_date, 'chat_replied_within_60s_rate', 'ratio',
    case when first_response_time_s <= 60 then 1e0 else 0e0 end, 1e0, null
  from facts where channel = 'chat' and first_response_time_s is not null
  union all
  select ticket_id, created_date, 'avg_reply_wait_s', 'ratio', total_reply_wait_s, cast(reply_wait_count as double), null
  from facts where reply_wait_count > 0
  union all
  select ticket_id, created_date, 'repeat_contact_rate_24h', 'ratio',
    case when is_repeat_contact_24h then 1e0 else 0e0 end, 1e0, null
  from facts
  union all
  select ticket_id, created_date, 'repeat_contact_rate_7d', 'ratio',
    case when is_repeat_contact_7d then 1e0 else 0e0 end, 1e0, null
  from facts
  union all
  select ticket_id, created_date, 'escalation_rate', 'ratio', case when is_escalated then 1e0 else 0e0 end, 1e0, null
  from facts
  union all
  select ticket_id, created_date, 'escalation_time_avg_s', 'ratio', escalation_time_s, 1e0, null
  from facts where is_escalated
  union all
  select ticket_id, created_date, 'early_escalation_rate', 'ratio',
    case when escalation_time_s <= 900 then 1e0 else 0e0 end, 1e0, null
  from facts where is_escalated
  union all
  select ticket_id, created_date, 'sla_first_reply_compliance_rate', 'ratio',
    case when sla_first_reply_status = 'met' then 1e0 else 0e0 end, 1e0, null
  from facts where sla_first_reply_status in ('met', 'breached')
  union all
  select ticket_id, created_date, 'sla_resolution_compliance_rate', 'ratio',
    case when sla_resolution_status = 'met' then 1e0 else 0e0 end, 1e0, null
  from facts where sla_resolution_status in ('met', 'breached')
  union all
  select ticket_id, created_date, 'sla_compliance_rate', 'ratio',
    (case when sla_first_reply_status = 'met' then 1e0 else 0e0 end)
      + (case when sla_resolution_status = 'met' then 1e0 else 0e0 end),
    (case when sla_first_reply_status in ('met', 'breached') then 1e0 else 0e0 end)
      + (case when sla_resolution_status in ('met', 'breached') then 1e0 else 0e0 end),
    null
  from facts where sla_first_reply_status in ('met', 'breached') or sla_resolution_status in ('met', 'breached')
  union all
  select ticket_id, created_date, 'bot_containment_rate', 'ratio',
    case when is_bot_contained then 1e0 else 0e0 end, 1e0, null
  from facts where is_bot_handled
  union all
  select ticket_id, created_date, 'multi_transfer_rate', 'ratio',
    case when group_transfer_count >= 2 then 1e0 else 0e0 end, 1e0, null
  from facts
  union all
  select ticket_id, created_date, 'ticket_volume', 'sum', 1e0, null, null
  from facts
  union all
  select ticket_id, created_date, 'negative_sentiment_rate', 'ratio',
    case when sentiment_label = 'negative' then 1e0 else 0e0 end, 1e0, null
  from facts where sentiment_score is not null
  union all
  select ticket_id, created_date, 'avg_sentiment', 'ratio', sentiment_score, 1e0, null
  from facts where sentiment_score is not null
  union all
  select ticket_id, created_date, 'security_incident_frt_p90_s', 'p90', null, null, first_reply_time_s
  from facts where is_security_category and first_reply_time_s is not null
  -- solved in the period -------------------------------------------------------------------
  union all
  select ticket_id, last_solved_date, 'full_resolution_time_avg_s', 'ratio', full_resolution_time_s, 1e0, null
  from facts where is_solved
  union all
  select ticket_id, last_solved_date, 'full_resolution_time_p50_s', 'p50', null, null, full_resolution_time_s
  from facts where is_solved
  union all
  select ticket_id, last_solved_date, 'full_resolution_time_p90_s', 'p90', null, null, full_resolution_time_s
  from facts where is_solved
  union all
  select ticket_id, last_solved_date, 'fcr_rate', 'ratio',
    case when is_first_contact_resolution then 1e0 else 0e0 end, 1e0, null
  from facts where is_solved and agent_reply_count >= 1
  union all
  select ticket_id, last_solved_date, 'one_touch_rate', 'ratio', case when is_one_touch then 1e0 else 0e0 end, 1e0, null
  from facts where is_solved and agent_reply_count >= 1
  union all
  select ticket_id, last_solved_date, 'reopen_rate', 'ratio', case when reopen_count >= 1 then 1e0 else 0e0 end, 1e0, null
  from facts where is_solved
  union all
  select ticket_id, last_solved_date, 'aht_s', 'ratio', agent_work_time_s, 1e0, null
  from facts where is_solved
  union all
  select ticket_id, last_solved_date, 'simple_request_handle_time_s', 'ratio', agent_work_time_s, 1e0, null
  from facts where is_one_touch
  union all
  select ticket_id, last_solved_date, 'security_incident_resolution_p90_s', 'p90', null, null, full_resolution_time_s
  from facts where is_solved and is_security_category
  union all
  select ticket_id, last_solved_date, 'wallet_issue_resolution_p50_s', 'p50', null, null, full_resolution_time_s
  from facts where is_solved and is_wallet_category
),

ticket_cells as (
  select
    o.anchor_date,
    o.kpi,
    o.agg,
    o.num,
    o.den,
    o.x,
    b.breakdown,
    case b.breakdown
      when 'overall' then 'all'
      when 'channel' then f.channel
      when 'priority' then f.priority
      when 'vip_tier' then f.vip_tier
      when 'language' then f.language
      when 'category' then f.category
      else f.group_tier
    end as breakdown_value
  from observations as o
  inner join facts as f on f.ticket_id = o.ticket_id
  cross join breakdowns as b
),

-- Ratings count on their own dates (rated for csat_rate, offered for the response rate).
rating_cells as (
  select
    case when k.kpi = 'csat_rate' then r.rated_date else r.offered_date end as anchor_date,
    k.kpi,
    'ratio' as agg,
    case
      when k.kpi = 'csat_rate' then (case when r.csat_score >= 4 then 1e0 else 0e0 end)
      else (case when r.is_rated then 1e0 else 0e0 end)
    end as num,
    1e0 as den,
    cast(null as double) as x,
    b.breakdown,
    case b.breakdown
      when 'overall' then 'all'
      when 'channel' then r.channel
      when 'priority' then r.priority
      when 'vip_tier' then r.vip_tier
      when 'language' then r.language
      when 'category' then r.category
      else r.group_tier
    end as breakdown_value
  from fct_satisfaction_ratings as r
  cross join (values ('csat_rate'), ('csat_response_rate')) as k (kpi)
  cross join breakdowns as b
  where r.created_month in (
    select partition_month from chg_months_to_recompute where mart = 'kpi_values' and month_kind = 'rating_read'
  )
    and not r.is_ticket_deleted
    and r.channel is not null
    and ((k.kpi = 'csat_rate' and r.is_rated) or (k.kpi = 'csat_response_rate' and r.is_offered))
),

nps_cells as (
  select
    submitted_date as anchor_date,
    'nps' as kpi,
    'ratio100' as agg,
    case nps_class when 'promoter' then 1e0 when 'detractor' then -1e0 else 0e0 end as num,
    1e0 as den,
    cast(null as double) as x,
    'overall' as breakdown,
    'all' as breakdown_value
  from fct_nps_responses
),

-- peak_hour_frt_degradation: per day, median FRT of tickets created in the day's 3 busiest hours
-- over the median FRT of the day, minus 1; weeks and months take the mean of their days.
hourly_volume as (
  select created_date, created_hour, count(*) as tickets
  from facts
  group by created_date, created_hour
),

busiest_hours as (
  select created_date, created_hour
  from (
    select
      created_date,
      created_hour,
      row_number() over (partition by created_date order by tickets desc, created_hour) as busy_rank
    from hourly_volume
  ) as ranked
  where busy_rank <= 3
),

day_frt as (
  select created_date, element_at(array_sort(array_agg(first_reply_time_s)), greatest(1, cast(ceil(0.5 * count(first_reply_time_s)) as integer))) as median_frt_s
  from facts
  where first_reply_time_s is not null
  group by created_date
),

peak_frt as (
  select f.created_date, element_at(array_sort(array_agg(f.first_reply_time_s)), greatest(1, cast(ceil(0.5 * count(f.first_reply_time_s)) as integer))) as median_frt_s
  from facts as f
  inner join busiest_hours as h on h.created_date = f.created_date and h.created_hour = f.created_hour
  where f.first_reply_time_s is not null
  group by f.created_date
),

peak_cells as (
  select
    d.created_date as anchor_date,
    'peak_hour_frt_degradation' as kpi,
    'ratio' as agg,
    p.median_frt_s / d.median_frt_s - 1 as num,
    1e0 as den,
    cast(null as double) as x,
    'overall' as breakdown,
    'all' as breakdown_value
  from day_frt as d
  inner join peak_frt as p on p.created_date = d.created_date
  where d.median_frt_s > 0
),

all_cells as (
  select anchor_date, kpi, agg, num, den, x, breakdown, breakdown_value from ticket_cells
  union all
  select anchor_date, kpi, agg, num, den, x, breakdown, breakdown_value from rating_cells
  union all
  select anchor_date, kpi, agg, num, den, x, breakdown, breakdown_value from nps_cells
  union all
  select anchor_date, kpi, agg, num, den, x, breakdown, breakdown_value from peak_cells
),

grains as (
  select grain from (values ('day'), ('week'), ('month')) as g (grain)
),

periods as (
  select
    g.grain as period_grain,
    case g.grain
      when 'day' then c.anchor_date
      when 'week' then cast(date_trunc('week', c.anchor_date) as date)
      else cast(date_trunc('month', c.anchor_date) as date)
    end as period_start,
    c.*
  from all_cells as c
  cross join grains as g
  where c.anchor_date is not null
),

aggregated as (
  select
    period_grain,
    period_start,
    breakdown,
    breakdown_value,
    kpi,
    case
      when agg = 'ratio' then (case when sum(den) > 0 then sum(num) / sum(den) end)
      when agg = 'ratio100' then (case when sum(den) > 0 then 100 * sum(num) / sum(den) end)
      when agg = 'sum' then sum(num)
      when agg = 'p50' then element_at(array_sort(array_agg(x)), greatest(1, cast(ceil(0.5 * count(x)) as integer)))
      else element_at(array_sort(array_agg(x)), greatest(1, cast(ceil(0.9 * count(x)) as integer)))
    end as value,
    case when agg in ('p50', 'p90') then cast(null as double) else sum(num) end as numerator,
    case when agg in ('p50', 'p90') then cast(count(x) as double) when agg = 'sum' then null else sum(den) end
      as denominator
  from periods
  group by period_grain, period_start, breakdown, breakdown_value, kpi, agg
),

-- post_contact_retention_30d counts customers, not tickets (KPIS.md, 2026-12-07): each customer with
-- a ticket solved in the period once, retained when a CRM version records a trade in the 30 days
-- after the latest last_solved_at of their tickets solved in that period (and in the breakdown cell:
-- a cell's customers are judged on their tickets of that cell). Each ticket's own flag is computed
-- once; the period then keeps the flag of the customer's latest solve.
solved_tickets as (
  select
    f.ticket_id,
    f.customer_key,
    f.last_solved_date,
    to_unixtime(f.last_solved_at) as last_solved_s,
    f.channel,
    f.priority,
    f.vip_tier,
    f.language,
    f.category,
    f.group_tier,
    max(case
      when to_unixtime(v.last_trade_at) > to_unixtime(f.last_solved_at)
        and to_unixtime(v.last_trade_at) <= to_unixtime(f.last_solved_at) + 30 * 86400 then 1 else 0
    end) as is_retained
  from facts as f
  left join trades as v on v.customer_key = f.customer_key
  where f.is_solved and f.customer_key is not null
  group by f.ticket_id, f.customer_key, f.last_solved_date, f.last_solved_at, f.channel, f.priority, f.vip_tier,
    f.language, f.category, f.group_tier
),

retention as (
  select
    g.grain as period_grain,
    case g.grain
      when 'day' then s.last_solved_date
      when 'week' then cast(date_trunc('week', s.last_solved_date) as date)
      else cast(date_trunc('month', s.last_solved_date) as date)
    end as period_start,
    b.breakdown,
    case b.breakdown
      when 'overall' then 'all'
      when 'channel' then s.channel
      when 'priority' then s.priority
      when 'vip_tier' then s.vip_tier
      when 'language' then s.language
      when 'category' then s.category
      else s.group_tier
    end as breakdown_value,
    s.customer_key,
    s.last_solved_s,
    s.is_retained
  from solved_tickets as s
  cross join grains as g
  cross join breakdowns as b
),

-- Tickets solved in the same second carry the same flag, so ties need no order.
retention_customers as (
  select
    period_grain,
    period_start,
    breakdown,
    breakdown_value,
    customer_key,
    max_by(is_retained, last_solved_s) as is_retained
  from retention
  group by period_grain, period_start, breakdown, breakdown_value, customer_key
),

retention_aggregated as (
  select
    period_grain,
    period_start,
    breakdown,
    breakdown_value,
    'post_contact_retention_30d' as kpi,
    cast(sum(is_retained) as double) / count(*) as value,
    cast(sum(is_retained) as double) as numerator,
    cast(count(*) as double) as denominator
  from retention_customers
  group by period_grain, period_start, breakdown, breakdown_value
),

-- The backlog is a stock, read at the end of the period's last day so far.
backlog as (
  select
    g.grain as period_grain,
    case g.grain
      when 'day' then b.day_date
      when 'week' then cast(date_trunc('week', b.day_date) as date)
      else cast(date_trunc('month', b.day_date) as date)
    end as period_start,
    b.day_date,
    b.breakdown,
    b.breakdown_value,
    b.backlog_open,
    b.backlog_age_p50_s,
    b.backlog_age_p90_s
  from backlog_daily as b
  cross join grains as g
  where b.period_month in (
    select partition_month from chg_months_to_recompute where mart = 'kpi_values' and month_kind = 'period_read'
  )
),

backlog_last_day as (
  select *
  from (
    select
      backlog.*,
      row_number() over (
        partition by period_grain, period_start, breakdown, breakdown_value order by day_date desc
      ) as recency
    from backlog
  ) as ranked
  where recency = 1
),

backlog_values as (
  select period_grain, period_start, breakdown, breakdown_value, 'backlog_open' as kpi,
    cast(backlog_open as double) as value, cast(backlog_open as double) as numerator, cast(null as double) as denominator
  from backlog_last_day
  union all
  select period_grain, period_start, breakdown, breakdown_value, 'backlog_age_p50_s', backlog_age_p50_s, null,
    cast(backlog_open as double)
  from backlog_last_day
  where backlog_open > 0
  union all
  select period_grain, period_start, breakdown, breakdown_value, 'backlog_age_p90_s', backlog_age_p90_s, null,
    cast(backlog_open as double)
  from backlog_last_day
  where backlog_open > 0
),

final as (
  select period_grain, period_start, breakdown, breakdown_value, kpi, value, numerator, denominator from aggregated
  union all
  select period_grain, period_start, breakdown, breakdown_value, kpi, value, numerator, denominator
  from retention_aggregated
  union all
  select period_grain, period_start, breakdown, breakdown_value, kpi, value, numerator, denominator from backlog_values
)

select
  f.period_grain,
  f.period_start,
  f.breakdown,
  f.breakdown_value,
  f.kpi,
  cast(f.value as double) as value,
  cast(f.numerator as double) as numerator,
  cast(f.denominator as double) as denominator,
  r.kpi_version,
  substr(cast(f.period_start as varchar), 1, 7) as period_month
from final as f
cross join run as r
where substr(cast(f.period_start as varchar), 1, 7) in (
  select partition_month from chg_months_to_recompute where mart = 'kpi_values' and month_kind = 'recompute'
)
