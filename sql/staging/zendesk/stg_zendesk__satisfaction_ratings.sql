-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Satisfaction ratings (offered, unoffered, good, bad, or a 1–5 score): rows that arrived in this run, latest version per rating_id, timestamps typed
-- test: unique(rating_id)
-- test: not_null(rating_id)
-- test: accepted_values(score: offered, unoffered, good, bad, 1, 2, 3, 4, 5)

with source as (
    select * from landing_zendesk__satisfaction_ratings__new_latest
),

final as (
    select
        rating_id,
        ticket_id,
        requester_id,
        assignee_id,
        group_id,
        score,
        reason,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
