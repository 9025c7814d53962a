-- materialized: incremental
-- unique_key: period_grain, period_start, category
-- partition_by: period_month
-- incremental_strategy: replace_partitions
-- description: Contact reasons (categories) per week and month: volume, share, first reply and resolution medians, escalation, repeat-contact and CSAT
-- test: unique(period_grain, period_start, category)
-- test: freshness(period_start, 8d, fct_ticket_events.created_at)
-- column: period_grain: Period length: week (ISO, starting Monday) or month
-- column: period_start: First day of the period (date in the reporting time zone)
-- column: category: Contact reason (ticket category)
-- column: is_security: The category is a security incident (configured)
-- column: is_wallet: The category is a wallet issue (deposit / withdrawal, configured)
-- column: ticket_count: Non-deleted tickets created in the period with this category
-- column: ticket_share: ticket_count / all tickets created in the period (fraction 0–1)
-- column: first_reply_time_p50_s: Median first_reply_time_s of those tickets; null when none replied
-- column: full_resolution_time_p50_s: Median full_resolution_time_s of those tickets that are solved; null when none
-- column: escalation_rate: Escalated / tickets of the category (fraction 0–1)
-- column: repeat_contact_rate_7d: Tickets that are 7-day repeat contacts / tickets of the category (fraction 0–1)
-- column: csat_rate: Ratings ≥ 4 / ratings of those tickets (fraction 0–1); null when unrated
-- column: avg_sentiment: Mean sentiment_score of those tickets in [-1, 1]; null when no text
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: period_month: Partition key: month of period_start, YYYY-MM (reporting zone)
-- Every measure counts on the creation date: the months recomputed and the created months their
-- rows read are chg_months_to_recompute's.
with facts as (
  select * from fct_tickets
  where not is_deleted and created_month in (
    select partition_month from chg_months_to_recompute where mart = 'contact_reasons' and month_kind = 'ticket_read'
  )
),

periods as (
  select
    g.grain as period_grain,
    case g.grain
      when 'week' then cast(date_trunc('week', f.created_date) as date)
      else cast(date_trunc('month', f.created_date) as date)
    end as period_start,
    f.*
  from facts as f
  cross join (values ('week'), ('month')) as g (grain)
),

by_reason as (
  select
    period_grain,
    period_start,
    category,
    count(*) as ticket_count,
    element_at(array_sort(array_agg(first_reply_time_s)), greatest(1, cast(ceil(0.5 * count(first_reply_time_s)) as integer))) as first_reply_time_p50_s,
    element_at(array_sort(array_agg(full_resolution_time_s)), greatest(1, cast(ceil(0.5 * count(full_resolution_time_s)) as integer))) as full_resolution_time_p50_s,
    avg(case when is_escalated then 1e0 else 0e0 end) as escalation_rate,
    avg(case when is_repeat_contact_7d then 1e0 else 0e0 end) as repeat_contact_rate_7d,
    avg(case when csat_score is not null then (case when csat_score >= 4 then 1e0 else 0e0 end) end) as csat_rate,
    avg(sentiment_score) as avg_sentiment
  from periods
  group by period_grain, period_start, category
)

select
  b.period_grain,
  b.period_start,
  b.category,
  coalesce(c.is_security, false) as is_security,
  coalesce(c.is_wallet, false) as is_wallet,
  b.ticket_count,
  cast(b.ticket_count as double) / sum(b.ticket_count) over (partition by b.period_grain, b.period_start) as ticket_share,
  b.first_reply_time_p50_s,
  b.full_resolution_time_p50_s,
  b.escalation_rate,
  b.repeat_contact_rate_7d,
  b.csat_rate,
  b.avg_sentiment,
  r.kpi_version,
  substr(cast(b.period_start as varchar), 1, 7) as period_month
from by_reason as b
cross join cfg_run as r
left join cfg_categories as c on c.category = b.category
where substr(cast(b.period_start as varchar), 1, 7) in (
  select partition_month from chg_months_to_recompute where mart = 'contact_reasons' and month_kind = 'recompute'
)
