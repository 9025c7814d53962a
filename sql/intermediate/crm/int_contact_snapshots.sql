-- materialized: incremental
-- unique_key: contact_id, valid_from
-- version_column: extracted_at
-- description: Every version of every CRM contact (VIP tier, KYC level, last trade), accumulated
select
  contact_id,
  customer_key,
  valid_from,
  vip_tier,
  kyc_level,
  last_trade_at,
  extracted_at
from stg_hubspot__contact_snapshots
