-- materialized: table
-- description: Customer versions from the CRM history (slowly changing): VIP tier, KYC level and last trade valid from valid_from until valid_to (a table: Athena checks a view reader's grants on the models beneath it)
-- test: unique(contact_id, valid_from)
-- test: not_null(customer_key, valid_from)
-- column: customer_key: Pseudonymous customer key: HMAC-SHA256 of the normalised e-mail
-- column: contact_id: CRM contact id
-- column: valid_from: Start of this version (UTC, inclusive)
-- column: valid_to: End of this version (UTC, exclusive); null for the current version
-- column: is_current: This is the latest known version (valid_to is null)
-- column: vip_tier: VIP tier during this version: none, silver, gold or platinum ('none' when unset)
-- column: kyc_level: KYC verification level during this version; null if unknown
-- column: last_trade_at: Customer's latest trade as of this version (UTC); null if never traded
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
