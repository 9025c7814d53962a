-- materialized: view
-- description: Personal fields of users (restricted): rows that arrived in this run, latest version per user_id, timestamps typed
-- test: unique(user_id)
-- test: not_null(user_id)

with source as (
    select * from landing_zendesk__user_pii__new_latest
),

final as (
    select
        user_id,
        customer_key,
        email,
        name,
        phone,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
