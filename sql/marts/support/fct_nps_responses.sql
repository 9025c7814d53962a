-- materialized: table
-- description: NPS survey responses (0–10) with promoter / passive / detractor class and the reporting date
-- test: unique(response_id)
-- test: accepted_values(nps_class: promoter, passive, detractor)
-- test: relationships(customer_key -> dim_customers.customer_key)
-- column: response_id: Id of the NPS survey response (unique)
-- column: customer_key: Pseudonymous key of the responding customer (HMAC of the e-mail)
-- column: contact_id: CRM contact id of the respondent
-- column: score: Answer on 0–10
-- column: nps_class: promoter (9–10), passive (7–8) or detractor (0–6)
-- column: submitted_at: When the response was submitted (UTC)
-- column: submitted_date: Date of submitted_at in the reporting time zone
select
  s.response_id,
  s.customer_key,
  s.contact_id,
  cast(s.score as integer) as score,
  case when s.score >= 9 then 'promoter' when s.score >= 7 then 'passive' else 'detractor' end as nps_class,
  s.submitted_at,
  cast(from_unixtime(to_unixtime(s.submitted_at) + o.offset_s) as date) as submitted_date
from int_survey_responses as s
inner join cfg_reporting_offsets as o
  on to_unixtime(s.submitted_at) >= o.valid_from_s and to_unixtime(s.submitted_at) < o.valid_to_s
where upper(s.survey_type) = 'NPS' and s.score is not null
