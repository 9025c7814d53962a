-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Comment child events of ticket audits, without their text: the rows that arrived in this run (every row on a full refresh), latest version per comment_id (greatest created_at, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        comment_id,
        audit_id,
        ticket_id,
        author_id,
        created_at,
        is_public,
        via_channel,
        body_chars,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by comment_id
            order by from_iso8601_timestamp(created_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_zendesk__comments__new
)

select
    comment_id,
    audit_id,
    ticket_id,
    author_id,
    created_at,
    is_public,
    via_channel,
    body_chars,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
