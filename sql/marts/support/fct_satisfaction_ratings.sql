-- materialized: incremental
-- unique_key: rating_id
-- partition_by: created_month
-- description: Satisfaction ratings on a 1–5 scale (good = 5, bad = 1) with offer and rating dates in the reporting zone and the rated ticket's breakdowns, by the rated ticket's created month
-- test: unique(rating_id)
-- test: not_null(rating_id, ticket_id)
-- test: accepted_values(csat_score: 1, 2, 3, 4, 5)
-- test: relationships(assignee_id -> dim_agents.agent_id)
-- test: relationships(group_id -> dim_groups.group_id)
-- column: rating_id: Id of the satisfaction rating (unique)
-- column: ticket_id: Rated ticket (see fct_tickets)
-- column: assignee_id: Agent the rating is attributed to (see dim_agents)
-- column: group_id: Group the rating is attributed to (see dim_groups)
-- column: raw_score: Score as the source gave it: good, bad, offered, unoffered or 1–5
-- column: csat_score: Score on 1–5 (good = 5, bad = 1); null when offered but not rated
-- column: is_offered: A rating was requested (raw_score is not unoffered)
-- column: is_rated: The customer answered (csat_score is not null)
-- column: offered_at: When the rating was requested (UTC)
-- column: offered_date: Date of offered_at in the reporting time zone
-- column: rated_at: When the customer rated (UTC); null if not rated
-- column: rated_date: Date of rated_at in the reporting time zone (the date csat_rate counts by); null if not rated
-- column: channel: Rated ticket's channel
-- column: priority: Rated ticket's priority
-- column: vip_tier: Rated ticket's customer VIP tier at creation
-- column: language: Rated ticket's language
-- column: category: Rated ticket's contact category
-- column: group_tier: Rated ticket's current group tier
-- column: is_ticket_deleted: The rated ticket is deleted (the rating is then excluded from KPIs)
-- column: created_month: Partition key: the rated ticket's creation month, YYYY-MM
with ratings as (
  select
    r.rating_id,
    r.ticket_id,
    r.assignee_id,
    r.group_id,
    r.score as raw_score,
    case
      when r.score = 'good' then 5
      when r.score = 'bad' then 1
      when r.score in ('1', '2', '3', '4', '5') then cast(r.score as integer)
    end as csat_score,
    r.score <> 'unoffered' as is_offered,
    r.created_at as offered_at,
    r.updated_at as rated_at,
    to_unixtime(r.created_at) as offered_s,
    to_unixtime(r.updated_at) as rated_s,
    a.created_month,
    -- a rating that landed before its ticket keeps a stale copy in '0000-00': the latest copy wins
    row_number() over (
      partition by r.rating_id order by r.updated_at desc, r.created_month desc
    ) as recency
  from int_satisfaction_ratings as r
  inner join chg_affected_tickets as a on a.ticket_id = r.ticket_id
  where r.created_month in (select created_month from chg_affected_tickets union select '0000-00')
),

-- The rated tickets' fact rows, read from their created months only.
ticket_months as (
  select distinct created_month from chg_affected_tickets
),

tickets as (
  select * from fct_tickets where created_month in (select created_month from ticket_months)
)

select
  r.rating_id,
  r.ticket_id,
  r.assignee_id,
  r.group_id,
  r.raw_score,
  r.csat_score,
  r.is_offered,
  r.csat_score is not null as is_rated,
  r.offered_at,
  cast(from_unixtime(r.offered_s + oo.offset_s) as date) as offered_date,
  case when r.csat_score is not null then r.rated_at end as rated_at,
  case when r.csat_score is not null then cast(from_unixtime(r.rated_s + orr.offset_s) as date) end as rated_date,
  t.channel,
  t.priority,
  t.vip_tier,
  t.language,
  t.category,
  t.group_tier,
  coalesce(t.is_deleted, false) as is_ticket_deleted,
  r.created_month
from ratings as r
left join tickets as t on t.ticket_id = r.ticket_id
inner join cfg_reporting_offsets as oo on r.offered_s >= oo.valid_from_s and r.offered_s < oo.valid_to_s
inner join cfg_reporting_offsets as orr on r.rated_s >= orr.valid_from_s and r.rated_s < orr.valid_to_s
where r.recency = 1
