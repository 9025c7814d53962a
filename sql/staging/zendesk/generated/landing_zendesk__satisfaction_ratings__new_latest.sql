-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Satisfaction ratings (offered, unoffered, good, bad, or a 1–5 score): the rows that arrived in this run (every row on a full refresh), latest version per rating_id (greatest updated_at, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        rating_id,
        ticket_id,
        requester_id,
        assignee_id,
        group_id,
        score,
        reason,
        created_at,
        updated_at,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by rating_id
            order by from_iso8601_timestamp(updated_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_zendesk__satisfaction_ratings__new
)

select
    rating_id,
    ticket_id,
    requester_id,
    assignee_id,
    group_id,
    score,
    reason,
    created_at,
    updated_at,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
