-- materialized: view
-- description: Personal fields of CRM contacts (restricted): rows that arrived in this run, latest version per contact_id, timestamps typed
-- test: unique(contact_id)
-- test: not_null(contact_id)

with source as (
    select * from landing_hubspot__contact_pii__new
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
        email,
        firstname,
        lastname,
        phone,
        cast(at_timezone(from_iso8601_timestamp(updated_at), 'UTC') as timestamp(6)) as updated_at,
        _run_id as extraction_run_id,
        cast(at_timezone(from_iso8601_timestamp(_extracted_at), 'UTC') as timestamp(6)) as extracted_at
    from ranked
    where version_rank = 1
)

select * from final
