-- materialized: incremental
-- unique_key: created_date, created_hour, channel
-- partition_by: created_month
-- incremental_strategy: replace_partitions
-- description: Tickets created per reporting day and hour of day (reporting zone), overall and by channel; the creation months of the tickets this run created, deleted or restored are recomputed whole
-- test: unique(created_date, created_hour, channel)
-- test: freshness(created_date, 2d, fct_ticket_events.created_at)
-- column: created_date: Creation date in the reporting time zone
-- column: created_hour: Hour of day of creation in the reporting time zone, 0–23
-- column: channel: Channel, or 'all' for every channel together
-- column: ticket_count: Non-deleted tickets created in that hour
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: created_month: Partition key: month of created_date, YYYY-MM
-- Volume moves only when a ticket is created, deleted or restored: the creation months to recompute
-- are chg_months_to_recompute's.
with tickets as (
  select created_date, created_hour, channel, created_month
  from fct_tickets
  where not is_deleted and created_month in (
    select partition_month from chg_months_to_recompute where mart = 'ticket_volume_hourly' and month_kind = 'recompute'
  )
)

select created_date, created_hour, 'all' as channel, count(*) as ticket_count, max(r.kpi_version) as kpi_version,
  created_month
from tickets cross join cfg_run as r
group by created_date, created_hour, created_month
union all
select created_date, created_hour, channel, count(*) as ticket_count, max(r.kpi_version) as kpi_version, created_month
from tickets cross join cfg_run as r
group by created_date, created_hour, channel, created_month
