-- materialized: view
-- description: The one answer to "what does this run recompute" for the month-partitioned marts: per mart, the reporting months it recomputes whole (month_kind recompute) and the partitions those rows read: period months of their dates (period_read: a week starting in a month runs up to six days into the next), created months of fct_tickets (ticket_read: tickets created then and earlier ones solved then), of fct_satisfaction_ratings (rating_read) and trade months of int_customer_trades (trade_read)
with kpi_months as (
  select period_month from chg_affected_months
  union
  select period_month from chg_backlog_months
),

-- Contact reasons count on the creation date only: the creation months (and the month each
-- creation's week starts in) of tickets whose creation-dated measures can move.
created_dates as (
  select distinct cast(from_unixtime(a.created_s + o.offset_s) as date) as created_date
  from chg_affected_tickets as a
  inner join cfg_reporting_offsets as o on a.created_s >= o.valid_from_s and a.created_s < o.valid_to_s
  where a.moves_created
),

recomputed as (
  select 'kpi_values' as mart, period_month from kpi_months
  union all
  select 'agent_performance', period_month from chg_affected_months
  union all
  select 'backlog_daily', period_month from chg_backlog_months
  union all
  -- A scorecard row's previous actual and moving base look up to three periods back (three months
  -- for a monthly row): the months recomputed and the three after each.
  select 'kpi_scorecard', substr(cast(date_add('month', k.n, cast(m.period_month || '-01' as date)) as varchar), 1, 7)
  from kpi_months as m
  cross join (values (0), (1), (2), (3)) as k (n)
  union all
  select 'contact_reasons', substr(cast(created_date as varchar), 1, 7) from created_dates
  union all
  select 'contact_reasons', substr(cast(cast(date_trunc('week', created_date) as date) as varchar), 1, 7)
  from created_dates
  union all
  -- Volume moves only when a ticket is created, deleted or restored (its creation and channel never
  -- change): the creation months of such tickets (every month on a full refresh).
  select 'ticket_volume_hourly', a.created_month
  from chg_affected_tickets as a
  inner join chg_changed_tickets as c on c.ticket_id = a.ticket_id
  where c.moves_neighbours
),

period_reads as (
  select mart, period_month from recomputed where mart in ('kpi_values', 'agent_performance', 'contact_reasons')
  union
  select mart, substr(cast(date_add('month', 1, cast(period_month || '-01' as date)) as varchar), 1, 7)
  from recomputed
  where mart in ('kpi_values', 'agent_performance', 'contact_reasons')
  union
  -- The scorecard reads its months' KPI values and the three months before each.
  select mart, substr(cast(date_add('month', -k.n, cast(period_month || '-01' as date)) as varchar), 1, 7)
  from recomputed
  cross join (values (0), (1), (2), (3)) as k (n)
  where mart = 'kpi_scorecard'
),

-- Tickets created in the months read, and (for what counts on the solve) tickets created earlier
-- that were solved in them: listed as created months, so the fact's partitions are pruned.
ticket_reads as (
  select mart, period_month as created_month
  from period_reads
  where mart in ('kpi_values', 'agent_performance', 'contact_reasons')
  union
  select s.mart, d.created_month
  from chg_ticket_status_months as d
  inner join period_reads as s on s.period_month = d.status_month
  where s.mart in ('kpi_values', 'agent_performance')
),

-- Ratings offered or rated in the months read, listed as their tickets' created months.
rating_reads as (
  select distinct s.mart, d.created_month
  from chg_rating_months as d
  inner join period_reads as s on s.period_month = d.rating_month
  where s.mart in ('kpi_values', 'agent_performance')
),

-- Trades that can retain a customer whose ticket was solved in the months read: up to 30 days (and
-- a reporting offset) after the solve, so from the month before to two months after.
trade_reads as (
  select distinct
    s.mart,
    substr(cast(date_add('month', k.n, cast(s.period_month || '-01' as date)) as varchar), 1, 7) as trade_month
  from period_reads as s
  cross join (values (-1), (0), (1), (2)) as k (n)
  where s.mart = 'kpi_values'
)

select mart, 'recompute' as month_kind, period_month as partition_month from recomputed
union all
select mart, 'period_read', period_month from period_reads
union all
select mart, 'ticket_read', created_month from ticket_reads
union all
select mart, 'rating_read', created_month from rating_reads
union all
select mart, 'trade_read', trade_month from trade_reads
