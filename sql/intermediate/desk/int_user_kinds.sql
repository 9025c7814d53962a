-- materialized: view
-- description: Each user classified as agent (human), bot or end_user, the way every KPI counts them
select
  u.user_id,
  u.role,
  u.customer_key,
  case
    when u.is_bot or b.user_id is not null then 'bot'
    when u.role in ('agent', 'admin') then 'agent'
    else 'end_user'
  end as user_kind
from int_users as u
left join cfg_bots as b on b.user_id = u.user_id
