-- materialized: table
-- description: Tickets created per reporting day and hour of day (reporting zone), overall and by channel
with tickets as (
  select created_date, created_hour, channel from fct_tickets where not is_deleted
)

select created_date, created_hour, 'all' as channel, count(*) as ticket_count, max(r.kpi_version) as kpi_version
from tickets cross join cfg_run as r
group by created_date, created_hour
union all
select created_date, created_hour, channel, count(*) as ticket_count, max(r.kpi_version) as kpi_version
from tickets cross join cfg_run as r
group by created_date, created_hour, channel
