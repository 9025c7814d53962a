-- materialized: view
-- description: Reporting months (YYYY-MM) whose ticket-based mart rows this run can change: the dates affected tickets count on (created, status changes, ratings) and NPS responses that arrived, each with the month its week starts in (a week row lives in its start month)
with affected_dates as (
  select d.event_date as anchor_date
  from int_ticket_dates as d
  inner join int_affected_tickets as a on a.ticket_id = d.ticket_id
  union
  select r.rating_date
  from int_rating_dates as r
  inner join int_affected_tickets as a on a.ticket_id = r.ticket_id
  union
  select cast(from_unixtime(to_unixtime(s.submitted_at) + o.offset_s) as date)
  from stg_hubspot__survey_responses as s
  inner join cfg_reporting_offsets as o
    on to_unixtime(s.submitted_at) >= o.valid_from_s and to_unixtime(s.submitted_at) < o.valid_to_s
  where s.submitted_at is not null
)

select substr(cast(anchor_date as varchar), 1, 7) as period_month
from affected_dates
union
select substr(cast(cast(date_trunc('week', anchor_date) as date) as varchar), 1, 7)
from affected_dates
