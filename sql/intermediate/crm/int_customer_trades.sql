-- materialized: incremental
-- unique_key: customer_key, last_trade_at
-- partition_by: trade_month
-- description: Every trade a CRM version of a customer recorded (one row per customer and last_trade_at), by the UTC month of the trade, so post-contact retention reads only the months after the solves it judges
select distinct
  customer_key,
  last_trade_at,
  substr(cast(last_trade_at as varchar), 1, 7) as trade_month
from stg_hubspot__contact_snapshots
where customer_key is not null and last_trade_at is not null
