-- materialized: incremental
-- unique_key: customer_key, last_trade_at
-- version_column: first_seen_order
-- partition_by: trade_month
-- description: Every trade a CRM version of a customer recorded (one row per customer and last_trade_at) with the start of the first version that carried it, by the UTC month of the trade, so post-contact retention reads only the months after the solves it judges
-- The earliest carrying version wins (its negated start orders versions), so a later version that
-- repeats an old trade (a VIP change) leaves the row as it was.
select
  customer_key,
  last_trade_at,
  min(to_unixtime(valid_from)) as first_valid_from_s,
  -min(to_unixtime(valid_from)) as first_seen_order,
  substr(cast(last_trade_at as varchar), 1, 7) as trade_month
from stg_hubspot__contact_snapshots
where customer_key is not null and last_trade_at is not null
group by customer_key, last_trade_at
