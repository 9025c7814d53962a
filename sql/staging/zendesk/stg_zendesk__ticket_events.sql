-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Create and Change child events of ticket audits (field changes): rows that arrived in this run, latest version per event_id, timestamps typed
-- test: unique(event_id)
-- test: not_null(event_id)

with source as (
    select * from landing_zendesk__ticket_events__new_latest
),

final as (
    select
        event_id,
        audit_id,
        ticket_id,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        updater_id,
        via_channel,
        event_type,
        field_name,
        -- Free-text fields (access policy `freeTextFieldNames`) carry message text: withheld here too,
        -- for landing files extracted before the connector stopped landing them.
        case when lower(field_name) in ('subject', 'raw_subject', 'description', 'comment', 'body', 'html_body', 'recipient')
          then null else value end as value,
        case when lower(field_name) in ('subject', 'raw_subject', 'description', 'comment', 'body', 'html_body', 'recipient')
          then null else previous_value end as previous_value,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
