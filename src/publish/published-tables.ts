/**
 * What a publication holds: the KPI marts and the curated facts the analyst role may read.
 * This is the one list to change when a mart is added. Columns matching `withheldColumnPattern`
 * are never published (personal or pseudonymous data stays behind the `compliance` role).
 *
 * When the governance access policy (`src/governance/access/access-policy.ts`) exposes the analyst
 * grants, this list should be derived from it so the two cannot drift.
 */
export interface PublishedTableSpec {
  readonly name: string;
  readonly kind: 'mart' | 'fact' | 'dimension';
}

export const publishedTables: readonly PublishedTableSpec[] = [
  { name: 'kpi_scorecard', kind: 'mart' },
  { name: 'service_quality_index', kind: 'mart' },
  { name: 'kpi_values', kind: 'mart' },
  { name: 'kpi_daily_wide', kind: 'mart' },
  { name: 'kpi_weekly_wide', kind: 'mart' },
  { name: 'kpi_monthly_wide', kind: 'mart' },
  { name: 'backlog_daily', kind: 'mart' },
  { name: 'ticket_volume_hourly', kind: 'mart' },
  { name: 'agent_performance', kind: 'mart' },
  { name: 'sla_alerts', kind: 'mart' },
  { name: 'fct_tickets', kind: 'fact' },
  { name: 'fct_ticket_events', kind: 'fact' },
  { name: 'fct_satisfaction_ratings', kind: 'fact' },
  { name: 'fct_nps_responses', kind: 'fact' },
  { name: 'dim_agents', kind: 'dimension' },
  { name: 'dim_groups', kind: 'dimension' },
];

/**
 * Columns the analyst role may not read, whatever the table: the pseudonymous customer key
 * (it links rows to one person across tables) and anything that could hold contact data or
 * message text.
 */
export const withheldColumnPattern =
  /^(customer_key|email|.*_email|phone|.*_phone|first_?name|last_?name|full_name|requester_name|customer_name|body|.*_body|comment|.*_comment|text|.*_text|message|subject|ip_address)$/i;

/** Tables partitioned by month carry this column; their Parquet is hive-partitioned by it. */
export const monthPartitionColumn = 'created_month';
