-- materialized: view
-- description: Agent groups; the tier comes from configuration: rows that arrived in this run, latest version per group_id, timestamps typed
-- test: unique(group_id)
-- test: not_null(group_id)

with source as (
    select * from landing_zendesk__groups__new_latest
),

final as (
    select
        group_id,
        name,
        is_deleted,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
