-- materialized: incremental
-- unique_key: rating_id
-- version_column: updated_at
-- partition_by: created_month
-- description: Latest state of every satisfaction rating, accumulated, by its ticket's created month so readers take only the affected tickets' months; '0000-00' while its ticket is not known yet (readers also read that partition and keep a rating's latest copy, as a later version lands in the ticket's month)
select
  r.rating_id,
  r.ticket_id,
  r.requester_id,
  r.assignee_id,
  r.group_id,
  r.score,
  r.created_at,
  r.updated_at,
  coalesce(a.created_month, '0000-00') as created_month
from stg_zendesk__satisfaction_ratings as r
left join chg_affected_tickets as a on a.ticket_id = r.ticket_id
