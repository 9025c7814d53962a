-- materialized: incremental
-- unique_key: response_id
-- version_column: updated_at
-- description: Every CRM feedback submission (NPS and others), accumulated
select
  response_id,
  contact_id,
  customer_key,
  survey_type,
  score,
  submitted_at,
  updated_at
from stg_hubspot__survey_responses
