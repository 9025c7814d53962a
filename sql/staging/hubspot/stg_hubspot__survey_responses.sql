-- materialized: view
-- description: Feedback submissions (NPS surveys) with their 0–10 score: rows that arrived in this run, latest version per response_id, timestamps typed
-- test: unique(response_id)
-- test: not_null(response_id)

with source as (
    select * from landing_hubspot__survey_responses__new
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by response_id
            order by from_iso8601_timestamp(updated_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from source
),

final as (
    select
        response_id,
        contact_id,
        customer_key,
        survey_type,
        score,
        from_iso8601_timestamp(submitted_at) as submitted_at,
        from_iso8601_timestamp(updated_at) as updated_at,
        _run_id as extraction_run_id,
        from_iso8601_timestamp(_extracted_at) as extracted_at
    from ranked
    where version_rank = 1
)

select * from final
