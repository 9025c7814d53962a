-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Tickets from the incremental cursor export, one row per extracted version: the rows that arrived in this run (every row on a full refresh), latest version per ticket_id (greatest generated_timestamp, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
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
        created_at,
        updated_at,
        generated_timestamp,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by ticket_id
            order by generated_timestamp desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_zendesk__tickets__new
)

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
    created_at,
    updated_at,
    generated_timestamp,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
