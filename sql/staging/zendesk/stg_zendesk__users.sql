-- materialized: view
-- description: Users (end users, agents, admins) without personal fields: rows that arrived in this run, latest version per user_id, timestamps typed
-- test: unique(user_id)
-- test: not_null(user_id)
-- test: accepted_values(role: end-user, agent, admin)

with source as (
    select * from landing_zendesk__users__new_latest
),

final as (
    select
        user_id,
        role,
        customer_key,
        locale,
        organization_id,
        default_group_id,
        is_bot,
        is_active,
        is_suspended,
        tags,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
