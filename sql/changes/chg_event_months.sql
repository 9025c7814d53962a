-- materialized: incremental
-- unique_key: event_month
-- description: The UTC months holding ticket events or comments (one row each), so a run lists the event partitions from a month on without reading them
select distinct substr(cast(created_at as varchar), 1, 7) as event_month from stg_zendesk__ticket_events
union
select distinct substr(cast(created_at as varchar), 1, 7) from stg_zendesk__comments
