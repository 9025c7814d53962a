/**
 * The KPI catalogue: every published KPI declared once — its published name, label, unit, better
 * direction, formula and the grains it is computed at, with the default owner, review frequency,
 * source, targets and index weight of KPIS.md. Everything that names or shows a KPI reads it: the
 * configuration (which may override the organisational fields, see `kpis-config.ts`), the
 * generated wide views (`render-wide-view.ts`), both formatters (`format-kpi.ts`) and the data
 * dictionary (`describeKpi`).
 *
 * A leaf: plain data and types, no imports, so the dashboard page can bundle it.
 */

/** What a value means, for display: seconds as `1 h 05 min`, rates as percentages. */
export const kpiUnits = ['seconds', 'rate', 'ratio', 'score', 'count'] as const;
export type KpiUnit = (typeof kpiUnits)[number];

/** Which way is better: `higher`, `lower`, or `none` (a volume, no target). */
export const kpiDirections = ['higher', 'lower', 'none'] as const;
export type KpiDirection = (typeof kpiDirections)[number];

export const breakdowns = [
  'overall',
  'channel',
  'priority',
  'vip_tier',
  'language',
  'category',
  'group_tier',
] as const;
export type Breakdown = (typeof breakdowns)[number];

export const frequencies = ['daily', 'weekly', 'monthly', 'quarterly', 'half-yearly'] as const;
export type Frequency = (typeof frequencies)[number];

/** The grains `kpi_values` computes, each with its wide view. */
export const kpiGrains = ['day', 'week', 'month'] as const;
export type KpiGrain = (typeof kpiGrains)[number];

export interface KpiTargetEntry {
  readonly breakdown: Breakdown;
  /** The breakdown cell the target applies to; `all` for the overall row. */
  readonly value: string;
  readonly target: number;
}

export interface KpiCatalogueEntry {
  /** How people read the name (dashboard headings, legends). */
  readonly label: string;
  /** The formula, as published in KPIS.md; the SQL of `kpi_values` implements it. */
  readonly formula: string;
  readonly direction: KpiDirection;
  readonly unit: KpiUnit;
  readonly targets?: readonly KpiTargetEntry[];
  readonly owner: string;
  readonly frequency: Frequency;
  readonly source: string;
  /** Weight in the service quality index (0 = not part of it). @default 1 */
  readonly weight?: number;
  /** The grains it is computed at. @default every grain of `kpiGrains` */
  readonly grains?: readonly KpiGrain[];
}

const HOUR = 3600;
const t = (target: number, breakdown: Breakdown = 'overall', value = 'all'): KpiTargetEntry => ({
  breakdown,
  value,
  target,
});
const ops = 'operations manager';

/**
 * The KPIs of KPIS.md (plus the two single-target SLA rates and the backlog ages), by published
 * name, in the order of the wide views' columns.
 */
export const kpiCatalogue = {
  first_reply_time_avg_s: {
    label: 'First reply time avg',
    formula: 'mean first_reply_time_s over tickets created in the period with a reply',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(60, 'channel', 'chat'), t(4 * HOUR, 'channel', 'email')],
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  first_reply_time_p50_s: {
    label: 'First reply time p50',
    formula: 'median first_reply_time_s over tickets created in the period with a reply',
    direction: 'lower',
    unit: 'seconds',
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  first_reply_time_p90_s: {
    label: 'First reply time p90',
    formula: '90th percentile of first_reply_time_s over tickets created in the period with a reply',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(120, 'channel', 'chat')],
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  chat_replied_within_60s_rate: {
    label: 'Chat replied within 60s rate',
    formula: 'chat tickets with first_response_time_s <= 60 / chat tickets with a response',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.7)],
    owner: 'chat supervisor',
    frequency: 'daily',
    source: 'ticket desk',
  },
  avg_reply_wait_s: {
    label: 'Avg reply wait',
    formula: 'sum total_reply_wait_s / sum reply_wait_count',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(30 * 60)],
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  full_resolution_time_p50_s: {
    label: 'Full resolution time p50',
    formula: 'median full_resolution_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  full_resolution_time_avg_s: {
    label: 'Full resolution time avg',
    formula: 'mean full_resolution_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(4 * HOUR)],
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  full_resolution_time_p90_s: {
    label: 'Full resolution time p90',
    formula: '90th percentile of full_resolution_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  fcr_rate: {
    label: 'FCR rate',
    formula: 'is_first_contact_resolution / solved tickets with agent_reply_count >= 1, solved in the period',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.78)],
    owner: 'support analyst',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  one_touch_rate: {
    label: 'One touch rate',
    formula: 'is_one_touch / solved tickets with agent_reply_count >= 1, solved in the period',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.7)],
    owner: 'support analyst',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  repeat_contact_rate_24h: {
    label: 'Repeat contact rate 24h',
    formula: 'tickets with is_repeat_contact_24h / tickets created',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.1)],
    owner: 'content quality lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  repeat_contact_rate_7d: {
    label: 'Repeat contact rate 7d',
    formula: 'tickets with is_repeat_contact_7d / tickets created',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.15)],
    owner: 'content quality lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  reopen_rate: {
    label: 'Reopen rate',
    formula: 'solved tickets with reopen_count >= 1 / solved tickets',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.05)],
    owner: 'QA lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  escalation_rate: {
    label: 'Escalation rate',
    formula: 'escalated tickets / tickets created',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.06)],
    owner: 'head of support',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  escalation_time_avg_s: {
    label: 'Escalation time avg',
    formula: 'mean escalation_time_s',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(2 * HOUR)],
    owner: 'escalations lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  early_escalation_rate: {
    label: 'Early escalation rate',
    formula: 'escalations with escalation_time_s <= 15 min / escalations',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.6)],
    owner: 'escalations lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  sla_compliance_rate: {
    label: 'SLA compliance rate',
    formula: 'met / (met + breached), first-reply and resolution targets together',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.95)],
    owner: 'support operations',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  sla_first_reply_compliance_rate: {
    label: 'SLA first reply compliance rate',
    formula: 'met / (met + breached) of first-reply targets',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.95)],
    owner: 'support operations',
    frequency: 'weekly',
    source: 'ticket desk',
    weight: 0,
  },
  sla_resolution_compliance_rate: {
    label: 'SLA resolution compliance rate',
    formula: 'met / (met + breached) of resolution targets',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.95)],
    owner: 'support operations',
    frequency: 'weekly',
    source: 'ticket desk',
    weight: 0,
  },
  aht_s: {
    label: 'AHT',
    formula: 'mean agent_work_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(10 * 60, 'channel', 'chat')],
    owner: ops,
    frequency: 'weekly',
    source: 'ticket desk',
  },
  simple_request_handle_time_s: {
    label: 'Simple request handle time',
    formula: 'mean agent_work_time_s of one-touch tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(2 * 60)],
    owner: ops,
    frequency: 'weekly',
    source: 'ticket desk',
  },
  csat_rate: {
    label: 'CSAT rate',
    formula: 'ratings >= 4 / all ratings, by rating date',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.88)],
    owner: 'quality manager',
    frequency: 'quarterly',
    source: 'surveys',
  },
  csat_response_rate: {
    label: 'CSAT response rate',
    formula: 'rated / offered, by offer date',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.25)],
    owner: 'quality manager',
    frequency: 'quarterly',
    source: 'surveys',
  },
  nps: {
    label: 'NPS',
    formula: '100 * (promoters 9-10 - detractors 0-6) / responses',
    direction: 'higher',
    unit: 'score',
    targets: [t(40)],
    owner: 'loyalty lead',
    frequency: 'half-yearly',
    source: 'CRM surveys',
  },
  bot_containment_rate: {
    label: 'Bot containment rate',
    formula: 'is_bot_contained / is_bot_handled',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.5)],
    owner: 'automation lead',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  multi_transfer_rate: {
    label: 'Multi transfer rate',
    formula: 'tickets with group_transfer_count >= 2 / tickets',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.05)],
    owner: ops,
    frequency: 'monthly',
    source: 'ticket desk',
  },
  backlog_open: {
    label: 'Backlog open',
    formula: 'unsolved, non-deleted tickets at the end of the day (of the period)',
    direction: 'lower',
    unit: 'count',
    owner: 'support manager',
    frequency: 'daily',
    source: 'ticket desk',
  },
  backlog_age_p50_s: {
    label: 'Backlog age p50',
    formula: 'median age of the backlog at the end of the day (of the period)',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'daily',
    source: 'ticket desk',
  },
  backlog_age_p90_s: {
    label: 'Backlog age p90',
    formula: '90th percentile age of the backlog at the end of the day (of the period)',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'daily',
    source: 'ticket desk',
  },
  ticket_volume: {
    label: 'Ticket volume',
    formula: 'tickets created',
    direction: 'none',
    unit: 'count',
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  peak_hour_frt_degradation: {
    label: 'Peak hour FRT degradation',
    formula: "per day: median FRT in the day's 3 busiest hours / median FRT of the day - 1 (mean of days)",
    direction: 'lower',
    unit: 'ratio',
    targets: [t(0.005)],
    owner: 'IT / workforce',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  negative_sentiment_rate: {
    label: 'Negative sentiment rate',
    formula: 'tickets labelled negative / tickets with text',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.15)],
    owner: 'CX analyst',
    frequency: 'weekly',
    source: 'NLP stage',
  },
  avg_sentiment: {
    label: 'Avg sentiment',
    formula: 'mean sentiment_score of tickets with text',
    direction: 'higher',
    unit: 'score',
    owner: 'CX analyst',
    frequency: 'weekly',
    source: 'NLP stage',
  },
  post_contact_retention_30d: {
    label: 'Post contact retention 30d',
    formula:
      'customers with a ticket solved in the period who traded in the 30 days after the latest last_solved_at of their tickets solved in it / those customers, each counted once',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.9)],
    owner: 'CX analyst',
    frequency: 'half-yearly',
    source: 'CRM',
  },
  security_incident_frt_p90_s: {
    label: 'Security incident FRT p90',
    formula: 'p90 first_reply_time_s of security-category tickets created in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(300)],
    owner: 'security support lead',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  security_incident_resolution_p90_s: {
    label: 'Security incident resolution p90',
    formula: 'p90 full_resolution_time_s of security-category tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    owner: 'security support lead',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  wallet_issue_resolution_p50_s: {
    label: 'Wallet issue resolution p50',
    formula: 'p50 full_resolution_time_s of deposit / withdrawal tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(4 * HOUR)],
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
} as const satisfies Record<string, KpiCatalogueEntry>;

export type KpiName = keyof typeof kpiCatalogue;

/** The published KPI names, in catalogue order. */
export const kpiNames: readonly KpiName[] = Object.keys(kpiCatalogue) as KpiName[];

/** The catalogue entry of a published name; undefined for a name the models do not compute. */
export function kpiEntry(name: string): KpiCatalogueEntry | undefined {
  return Object.hasOwn(kpiCatalogue, name)
    ? (kpiCatalogue as Record<string, KpiCatalogueEntry>)[name]
    : undefined;
}

/** The grains a KPI is computed at. */
export function grainsOf(entry: KpiCatalogueEntry): readonly KpiGrain[] {
  return entry.grains ?? kpiGrains;
}

const unitWords: Record<KpiUnit, string> = {
  seconds: 'seconds',
  rate: 'a fraction from 0 to 1',
  ratio: 'a relative change (0.2 = 20 % more)',
  score: 'a score',
  count: 'a count',
};

/**
 * What a KPI column means, for the data dictionary: label, formula, unit and better direction,
 * e.g. `FCR rate: is_first_contact_resolution / … (a fraction from 0 to 1; higher is better)`.
 * Undefined for a name that is not a KPI.
 */
export function describeKpi(name: string): string | undefined {
  const entry = kpiEntry(name);
  if (!entry) return undefined;
  const better = entry.direction === 'none' ? '' : `; ${entry.direction} is better`;
  return `${entry.label}: ${entry.formula} (${unitWords[entry.unit]}${better})`;
}
