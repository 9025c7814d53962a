-- materialized: table
-- A table built once per run: several models and data tests read it, and a view would parse the landing JSON and rank versions again for each.
-- description: Versions of each contact rebuilt from property history: the state valid from valid_from until the next version: rows that arrived in this run, latest version per contact_id + valid_from, timestamps typed
-- test: unique(contact_id, valid_from)
-- test: not_null(contact_id, valid_from)

with source as (
    select * from landing_hubspot__contact_snapshots__new_latest
),

final as (
    select
        contact_id,
        customer_key,
        cast(at_timezone(from_iso8601_timestamp(valid_from), 'UTC') as timestamp(6)) as valid_from,
        vip_tier,
        kyc_level,
        cast(at_timezone(from_iso8601_timestamp(last_trade_at), 'UTC') as timestamp(6)) as last_trade_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
