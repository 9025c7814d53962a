-- materialized: view
-- description: CRM contact versions with their validity interval [valid_from, valid_to), keyed by customer_key
select
  contact_id,
  customer_key,
  valid_from,
  lead(valid_from) over (partition by contact_id order by valid_from) as valid_to,
  to_unixtime(valid_from) as valid_from_s,
  coalesce(to_unixtime(lead(valid_from) over (partition by contact_id order by valid_from)), 1e11) as valid_to_s,
  coalesce(vip_tier, 'none') as vip_tier,
  kyc_level,
  last_trade_at
from int_contact_snapshots
where customer_key is not null
