-- Generated from src/landing/landing-schemas.ts by src/landing/latest-rows.ts (npm run generate:landing).
-- Do not edit: change the stream declaration and generate again.
-- materialized: view
-- description: Versions of each contact rebuilt from property history: the state valid from valid_from until the next version: the rows that arrived in this run (every row on a full refresh), latest version per contact_id + valid_from (latest _extracted_at, then _run_id), columns as landed

with ranked as (
    select
        contact_id,
        customer_key,
        valid_from,
        vip_tier,
        kyc_level,
        last_trade_at,
        _run_id,
        _extracted_at,
        row_number() over (
            partition by contact_id, valid_from
            order by from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from landing_hubspot__contact_snapshots__new
)

select
    contact_id,
    customer_key,
    valid_from,
    vip_tier,
    kyc_level,
    last_trade_at,
    _run_id,
    _extracted_at
from ranked
where version_rank = 1
