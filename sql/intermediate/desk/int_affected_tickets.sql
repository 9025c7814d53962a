-- materialized: view
-- description: Tickets whose fct_tickets row must be recomputed this run: changed ones, every other ticket of their customers (repeat contacts and FCR look 7 days around), and every unsolved ticket (durations and SLA statuses run against now)
with changed as (
  select ticket_id from int_changed_tickets
),

changed_customers as (
  select distinct u.customer_key
  from changed as c
  inner join int_tickets as t on t.ticket_id = c.ticket_id
  inner join int_user_kinds as u on u.user_id = t.requester_id
  where u.customer_key is not null
),

same_customer as (
  select t.ticket_id
  from int_tickets as t
  inner join int_user_kinds as u on u.user_id = t.requester_id
  inner join changed_customers as cc on cc.customer_key = u.customer_key
),

unsolved as (
  select ticket_id
  from int_tickets
  where status not in ('solved', 'closed') and not is_deleted
)

select ticket_id from changed
union
select ticket_id from same_customer
union
select ticket_id from unsolved
