-- materialized: view
-- description: CRM contacts, one row per extracted version (latest state per extraction): rows that arrived in this run, latest version per contact_id, timestamps typed
-- test: unique(contact_id)
-- test: not_null(contact_id)

with source as (
    select * from landing_hubspot__contacts__new
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by contact_id
            order by from_iso8601_timestamp(updated_at) desc, from_iso8601_timestamp(_extracted_at) desc, _run_id desc
        ) as version_rank
    from source
),

final as (
    select
        contact_id,
        customer_key,
        vip_tier,
        kyc_level,
        from_iso8601_timestamp(last_trade_at) as last_trade_at,
        is_archived,
        from_iso8601_timestamp(created_at) as created_at,
        from_iso8601_timestamp(updated_at) as updated_at,
        _run_id as extraction_run_id,
        from_iso8601_timestamp(_extracted_at) as extracted_at
    from ranked
    where version_rank = 1
)

select * from final
