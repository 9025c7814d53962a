-- materialized: view
-- description: Free-text comments left with ratings (message text, restricted): rows that arrived in this run, latest version per rating_id, timestamps typed
-- test: unique(rating_id)
-- test: not_null(rating_id)

with source as (
    select * from landing_zendesk__satisfaction_comments__new_latest
),

final as (
    select
        rating_id,
        ticket_id,
        comment,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
