-- materialized: view
-- description: Subject and description of tickets (message text, restricted): rows that arrived in this run, latest version per ticket_id, timestamps typed
-- test: unique(ticket_id)
-- test: not_null(ticket_id)

with source as (
    select * from landing_zendesk__ticket_texts__new_latest
),

final as (
    select
        ticket_id,
        subject,
        description,
        generated_timestamp,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
