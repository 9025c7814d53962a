-- materialized: view
-- description: Personal fields of CRM contacts (restricted): rows that arrived in this run, latest version per contact_id, timestamps typed
-- test: unique(contact_id)
-- test: not_null(contact_id)

with source as (
    select * from landing_hubspot__contact_pii__new_latest
),

final as (
    select
        contact_id,
        customer_key,
        email,
        firstname,
        lastname,
        phone,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from source
)

select * from final
