-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Feedback submissions (NPS surveys) with their 0–10 score: rows that arrived in this run, latest version per response_id, timestamps typed
-- test: unique(response_id)
-- test: not_null(response_id)

with source as (
    select * from landing_hubspot__survey_responses__new_latest
),

final as (
    select
        response_id,
        contact_id,
        customer_key,
        survey_type,
        score,
        cast(at_timezone(from_iso8601_timestamp(submitted_at), 'UTC') as timestamp(6)) as submitted_at,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
