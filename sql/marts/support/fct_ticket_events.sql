-- materialized: incremental
-- unique_key: event_id
-- partition_by: created_month
-- description: Ticket field changes (status, group, assignee, priority) with who made them and the reporting date
-- test: unique(event_id)
-- test: not_null(event_id, ticket_id, created_at, created_month)
-- column: event_id: Id of the field-change event (unique)
-- column: audit_id: Id of the desk audit (one update) the event belongs to
-- column: ticket_id: Ticket the event changed (see fct_tickets)
-- column: created_at: When the change was made (UTC timestamp)
-- column: created_date: Date of the change in the reporting time zone
-- column: updater_id: Desk user id of who made the change; null for the system
-- column: updater_kind: Kind of updater: agent, bot, end_user, or system when unknown
-- column: via_channel: Channel the update came through (as the desk reports it)
-- column: event_type: Kind of event: Create (value set at creation) or Change
-- column: field_name: Field changed: status, group_id, assignee_id, priority, requester_id, tags, a custom field id, …
-- column: value: New value as text; withheld (null) in the publication on rows whose field is free text (subject, description, …)
-- column: previous_value: Previous value as text; null on Create and withheld on free-text fields like value
-- column: created_month: Partition key: month of created_date, YYYY-MM
with events as (
  select
    e.event_id,
    e.audit_id,
    e.ticket_id,
    e.created_at,
    to_unixtime(e.created_at) as created_s,
    e.updater_id,
    coalesce(k.user_kind, 'system') as updater_kind,
    e.via_channel,
    e.event_type,
    e.field_name,
    e.value,
    e.previous_value
  from stg_zendesk__ticket_events as e
  left join int_user_kinds as k on k.user_id = e.updater_id
)

select
  e.event_id,
  e.audit_id,
  e.ticket_id,
  e.created_at,
  cast(from_unixtime(e.created_s + o.offset_s) as date) as created_date,
  e.updater_id,
  e.updater_kind,
  e.via_channel,
  e.event_type,
  e.field_name,
  e.value,
  e.previous_value,
  substr(cast(cast(from_unixtime(e.created_s + o.offset_s) as date) as varchar), 1, 7) as created_month
from events as e
inner join cfg_reporting_offsets as o on e.created_s >= o.valid_from_s and e.created_s < o.valid_to_s
