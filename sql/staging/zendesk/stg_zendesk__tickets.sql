-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Tickets from the incremental cursor export, one row per extracted version: rows that arrived in this run, latest version per ticket_id, timestamps typed
-- test: unique(ticket_id)
-- test: not_null(ticket_id)
-- test: accepted_values(status: new, open, pending, hold, solved, closed, deleted)
-- test: accepted_values(priority: low, normal, high, urgent)

with source as (
    select * from landing_zendesk__tickets__new_latest
),

final as (
    select
        ticket_id,
        requester_id,
        submitter_id,
        assignee_id,
        group_id,
        organization_id,
        brand_id,
        status,
        priority,
        ticket_type,
        via_channel,
        category,
        language,
        tags,
        custom_fields,
        is_deleted,
        cast(at_timezone(from_iso8601_timestamp(created_at), 'UTC') as timestamp(6)) as created_at,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        generated_timestamp,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
