-- materialized: view
-- description: Personal fields of users (restricted): rows that arrived in this run, latest version per user_id, timestamps typed
-- test: unique(user_id)
-- test: not_null(user_id)

with source as (
    select * from landing_zendesk__user_pii__new
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by user_id
            order by from_iso8601_timestamp(updated_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from source
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
    from ranked
    where version_rank = 1
)

select * from final
