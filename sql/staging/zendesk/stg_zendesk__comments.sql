-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Comment child events of ticket audits, without their text: rows that arrived in this run, latest version per comment_id, timestamps typed
-- test: unique(comment_id)
-- test: not_null(comment_id)

with source as (
    select * from landing_zendesk__comments__new_latest
),

final as (
    select
        comment_id,
        audit_id,
        ticket_id,
        author_id,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        is_public,
        via_channel,
        body_chars,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
