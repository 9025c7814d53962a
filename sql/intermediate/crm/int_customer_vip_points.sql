-- materialized: incremental
-- unique_key: contact_id, valid_from
-- partition_by: valid_month
-- incremental_strategy: replace_partitions
-- description: The versions of each customer's contacts where the VIP tier may change: the first of the contact in each month and every later one of the month with another tier than the one before (the tier at an instant is that of the latest point before it); the months that got new versions are recomputed whole
with months as (
  select distinct substr(cast(valid_from as varchar), 1, 7) as valid_month
  from stg_hubspot__contact_snapshots
),

versions as (
  select
    s.contact_id,
    s.customer_key,
    s.valid_from,
    coalesce(s.vip_tier, 'none') as vip_tier,
    s.valid_month,
    lag(coalesce(s.vip_tier, 'none')) over (partition by s.contact_id, s.valid_month order by s.valid_from)
      as previous_vip_tier
  from int_contact_snapshots as s
  where s.customer_key is not null and s.valid_month in (select valid_month from months)
)

select contact_id, customer_key, valid_from, to_unixtime(valid_from) as valid_from_s, vip_tier, valid_month
from versions
where previous_vip_tier is null or previous_vip_tier <> vip_tier
