-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Agent groups; the tier comes from configuration: the rows that arrived in this run (every row on a full refresh), latest version per group_id (greatest updated_at, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        group_id,
        name,
        is_deleted,
        created_at,
        updated_at,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by group_id
            order by from_iso8601_timestamp(updated_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_zendesk__groups__new
)

select
    group_id,
    name,
    is_deleted,
    created_at,
    updated_at,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
