-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Subject and description of tickets (message text, restricted): the rows that arrived in this run (every row on a full refresh), latest version per ticket_id (greatest generated_timestamp, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        ticket_id,
        subject,
        description,
        generated_timestamp,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by ticket_id
            order by generated_timestamp desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_zendesk__ticket_texts__new
)

select
    ticket_id,
    subject,
    description,
    generated_timestamp,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
