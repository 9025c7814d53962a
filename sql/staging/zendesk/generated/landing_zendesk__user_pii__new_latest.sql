-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Personal fields of users (restricted): the rows that arrived in this run (every row on a full refresh), latest version per user_id (greatest updated_at, then latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        user_id,
        customer_key,
        email,
        name,
        phone,
        updated_at,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by user_id
            order by from_iso8601_timestamp(updated_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_zendesk__user_pii__new
)

select
    user_id,
    customer_key,
    email,
    name,
    phone,
    updated_at,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
