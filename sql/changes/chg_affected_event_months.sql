-- materialized: table
-- description: The UTC event months (partitions of int_status_changes, int_routing_changes and int_comments) that hold the events of this run's affected tickets: every month with events from the earliest affected creation month on
select m.event_month
from chg_event_months as m
where m.event_month >= (select min(created_month_utc) from chg_affected_tickets)
