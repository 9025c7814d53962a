-- materialized: table
-- description: Reporting months (YYYY-MM) whose ticket-based mart rows this run can change: the dates affected tickets count on (created, status changes, ratings; only the solves of a ticket whose FCR alone can move), NPS responses that arrived, and the 31 days before each trade first recorded in this run (post-contact retention looks 30 days past a solve), each with the month its week starts in (a week row lives in its start month)
with offsets as (
  select valid_from_s, valid_to_s, offset_s from cfg_reporting_offsets
),

-- A ticket whose FCR alone can move counts on its last solve: the solved or closed changes after
-- its last unsolved status.
fcr_only_changes as (
  select
    s.changed_s,
    s.status,
    max(case when s.status not in ('solved', 'closed') then s.changed_s end) over (partition by s.ticket_id)
      as last_unsolved_s
  from int_status_changes as s
  inner join chg_affected_tickets as a on a.ticket_id = s.ticket_id
  where a.moves_kpis and not a.moves_created and s.event_month in (select event_month from chg_affected_event_months)
),

instants as (
  select a.created_s as at_s
  from chg_affected_tickets as a
  where a.moves_created
  union
  select s.changed_s
  from int_status_changes as s
  inner join chg_affected_tickets as a on a.ticket_id = s.ticket_id
  where a.moves_kpis and a.moves_created and s.event_month in (select event_month from chg_affected_event_months)
  union
  select changed_s
  from fcr_only_changes
  where status in ('solved', 'closed') and changed_s >= coalesce(last_unsolved_s, 0)
  union
  select to_unixtime(submitted_at) from stg_hubspot__survey_responses where submitted_at is not null
),

-- Trades first recorded by a version of this run (a version repeating an older trade, as a VIP
-- change does, retains no one new).
new_trades as (
  select customer_key, last_trade_at, min(to_unixtime(valid_from)) as valid_from_s
  from stg_hubspot__contact_snapshots
  where customer_key is not null and last_trade_at is not null
  group by customer_key, last_trade_at
),

trades as (
  select distinct to_unixtime(t.last_trade_at) as trade_s
  from int_customer_trades as t
  inner join new_trades as n
    on n.customer_key = t.customer_key and n.last_trade_at = t.last_trade_at
    and n.valid_from_s = t.first_valid_from_s
  where t.trade_month in (select substr(cast(last_trade_at as varchar), 1, 7) from new_trades)
),

affected_dates as (
  select cast(from_unixtime(i.at_s + o.offset_s) as date) as anchor_date
  from instants as i
  inner join offsets as o on i.at_s >= o.valid_from_s and i.at_s < o.valid_to_s
  union
  select r.rating_date
  from chg_rating_dates as r
  inner join chg_affected_tickets as a on a.ticket_id = r.ticket_id
  where a.moves_created
    and r.created_month in (select created_month from chg_affected_tickets union select '0000-00')
  union
  select cast(d.day_date as date)
  from cfg_reporting_days as d
  inner join trades as t on d.day_end_s > t.trade_s - 31 * 86400 and d.day_start_s <= t.trade_s
)

select substr(cast(anchor_date as varchar), 1, 7) as period_month
from affected_dates
union
select substr(cast(cast(date_trunc('week', anchor_date) as date) as varchar), 1, 7)
from affected_dates
