-- materialized: table
-- description: Customer versions from the CRM history (slowly changing): VIP tier, KYC level and last trade valid from valid_from until valid_to (a table: Athena checks a view reader's grants on the models beneath it)
-- test: unique(contact_id, valid_from)
-- test: not_null(customer_key, valid_from)
select
  customer_key,
  contact_id,
  valid_from,
  valid_to,
  valid_to is null as is_current,
  vip_tier,
  kyc_level,
  last_trade_at
from int_customer_versions
