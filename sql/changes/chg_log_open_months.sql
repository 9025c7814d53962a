-- materialized: incremental
-- unique_key: created_month_utc
-- description: How many tickets of each UTC creation month have an unsolved latest logged status, recomputed for the months of this run's affected tickets, so backlog_daily reads only the int_ticket_log_status partitions holding any
select
  created_month_utc,
  count_if(last_status not in ('solved', 'closed', 'deleted')) as open_tickets
from int_ticket_log_status
where created_month_utc in (select created_month_utc from chg_affected_tickets)
group by created_month_utc
