-- materialized: view
-- description: Comment bodies (message text, restricted): rows that arrived in this run, latest version per comment_id, timestamps typed
-- test: unique(comment_id)
-- test: not_null(comment_id)

with source as (
    select * from landing_zendesk__comment_texts__new_latest
),

final as (
    select
        comment_id,
        ticket_id,
        author_id,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        body,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
