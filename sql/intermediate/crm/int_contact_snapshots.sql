-- materialized: incremental
-- unique_key: contact_id, valid_from
-- version_column: extracted_at
-- partition_by: valid_month
-- description: Every version of every CRM contact (VIP tier, KYC level, last trade), accumulated by the UTC month it starts in
select
  contact_id,
  customer_key,
  valid_from,
  vip_tier,
  kyc_level,
  last_trade_at,
  extracted_at,
  substr(cast(valid_from as varchar), 1, 7) as valid_month
from stg_hubspot__contact_snapshots
