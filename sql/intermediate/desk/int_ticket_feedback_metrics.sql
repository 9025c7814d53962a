-- materialized: view
-- description: Per affected ticket: latest CSAT on 1–5 and whether one was offered; mean, first and last sentiment of the customer messages
with ratings as (
  select
    r.ticket_id,
    r.score,
    r.updated_at,
    r.rating_id,
    case
      when r.score = 'good' then 5
      when r.score = 'bad' then 1
      when r.score in ('1', '2', '3', '4', '5') then cast(r.score as integer)
    end as csat_value,
    row_number() over (partition by r.ticket_id order by r.updated_at desc, r.rating_id desc) as recency
  from int_satisfaction_ratings as r
  inner join chg_affected_tickets as a on a.ticket_id = r.ticket_id
  where r.created_month in (select created_month from chg_affected_tickets union select '0000-00')
),

csat as (
  select
    ticket_id,
    max(case when recency = 1 then csat_value end) as csat_score,
    max(case when score <> 'unoffered' then 1 else 0 end) = 1 as is_csat_offered
  from ratings
  group by ticket_id
),

messages as (
  select
    s.ticket_id,
    s.sentiment_score,
    to_unixtime(c.created_at) as created_s,
    c.comment_id
  from int_comment_sentiment as s
  inner join chg_affected_tickets as a on a.ticket_id = s.ticket_id
  inner join int_comments as c on c.comment_id = s.comment_id
  left join int_user_kinds as k on k.user_id = c.author_id
  where c.event_month in (select event_month from chg_affected_event_months)
    and c.is_public and coalesce(k.user_kind, 'end_user') = 'end_user'
),

sentiment as (
  select
    ticket_id,
    avg(sentiment_score) as sentiment_score,
    max_by(sentiment_score, created_s) - min_by(sentiment_score, created_s)
      as sentiment_shift
  from messages
  group by ticket_id
)

select
  a.ticket_id,
  c.csat_score,
  coalesce(c.is_csat_offered, false) as is_csat_offered,
  s.sentiment_score,
  s.sentiment_shift
from chg_affected_tickets as a
left join csat as c on c.ticket_id = a.ticket_id
left join sentiment as s on s.ticket_id = a.ticket_id
