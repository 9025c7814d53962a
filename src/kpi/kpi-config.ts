import * as z from 'zod';
import { timeZoneSchema } from '#src/shared/field-schemas.ts';

export const tierSchema = z.enum(['L1', 'L2', 'L3', 'VIP', 'BOT']);
export type Tier = z.infer<typeof tierSchema>;

/** How the support desk is organised: bots, group tiers, reporting time zone, contact-reason families. */
export const deskConfigSchema = z.strictObject({
  /** IANA zone in which reporting days, weeks and months are cut. */
  reportingTimeZone: timeZoneSchema.default('UTC'),
  /** Users counted as bots (besides those the source flags). */
  botUserIds: z.array(z.number().int()).default([]),
  /** Tier of each group, by group name. A group not listed is L1. */
  groupTiers: z.record(z.string(), tierSchema).default({
    'L1 Frontline': 'L1',
    'L2 Specialists': 'L2',
    'L2 Payments': 'L2',
    'L3 Engineering': 'L3',
    'L3 Security': 'L3',
    'VIP Desk': 'VIP',
    'Chat Bot': 'BOT',
  }),
  /** Groups that handle security incidents (escalation into one counts as reaching L3). */
  securityGroups: z.array(z.string()).default(['L3 Security']),
  /** Contact categories of security incidents (security KPIs). */
  securityCategories: z
    .array(z.string())
    .default(['account_compromise', 'phishing', 'unauthorised_withdrawal']),
  /** Contact categories of wallet issues (deposit / withdrawal KPIs). */
  walletCategories: z.array(z.string()).default(['withdrawal_delayed', 'deposit_not_credited']),
});
export type DeskConfig = z.infer<typeof deskConfigSchema>;

// ------------------------------------------------------------------------------------------ SLA

const isoDate = z.iso.date();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM (00:00–24:00)');

export const weekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof weekdaySchema>;

/** A business-hours schedule: open hours per weekday in a time zone, minus holidays. */
export const scheduleSchema = z.strictObject({
  timeZone: timeZoneSchema,
  /** Open intervals per weekday, local wall-clock time; a weekday not listed is closed. */
  hours: z.array(z.strictObject({ days: z.array(weekdaySchema).min(1), open: hhmm, close: hhmm })).min(1),
  /** Local dates on which the schedule is closed all day. */
  holidays: z.array(isoDate).default([]),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/**
 * One SLA policy rule. Rules are tried in order; the first whose every listed condition matches
 * the ticket applies (an absent condition matches anything): channel, priority, VIP tier and
 * category, and the tier of the group the ticket was created in. `schedule` names a business-hours
 * schedule, or `calendar` for 24/7.
 */
export const slaPolicySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/, 'policy names are snake_case'),
  channels: z.array(z.string()).optional(),
  priorities: z.array(z.string()).optional(),
  vipTiers: z.array(z.string()).optional(),
  categories: z.array(z.string()).optional(),
  /** Tiers of the ticket's group at creation (before any transfer), e.g. `["VIP"]`. */
  groupTiers: z.array(tierSchema).min(1).optional(),
  firstReplyTargetS: z.number().positive().nullable(),
  resolutionTargetS: z.number().positive().nullable(),
  schedule: z.string().default('calendar'),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

const londonDesk: Schedule = {
  timeZone: 'Europe/London',
  hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }],
  holidays: ['2026-08-31', '2026-12-25', '2026-12-28', '2027-01-01', '2027-04-02', '2027-04-05'],
};

const HOUR = 3600;
export const defaultSlaPolicies: SlaPolicy[] = [
  {
    name: 'security_incident',
    categories: ['account_compromise', 'phishing', 'unauthorised_withdrawal'],
    firstReplyTargetS: 300,
    resolutionTargetS: 4 * HOUR,
    schedule: 'calendar',
  },
  {
    name: 'vip_desk',
    vipTiers: ['silver', 'gold', 'platinum'],
    firstReplyTargetS: 1 * HOUR,
    resolutionTargetS: 8 * HOUR,
    schedule: 'london_desk',
  },
  {
    name: 'phone',
    channels: ['phone'],
    firstReplyTargetS: 1 * HOUR,
    resolutionTargetS: 8 * HOUR,
    schedule: 'london_desk',
  },
  {
    name: 'live_chat',
    channels: ['chat', 'telegram', 'discord', 'social'],
    firstReplyTargetS: 120,
    resolutionTargetS: 24 * HOUR,
    schedule: 'calendar',
  },
  {
    name: 'urgent',
    priorities: ['urgent'],
    firstReplyTargetS: 1 * HOUR,
    resolutionTargetS: 8 * HOUR,
    schedule: 'calendar',
  },
  { name: 'standard', firstReplyTargetS: 4 * HOUR, resolutionTargetS: 48 * HOUR, schedule: 'calendar' },
];

export const slaConfigSchema = z
  .strictObject({
    schedules: z.record(z.string(), scheduleSchema).default({ london_desk: londonDesk }),
    policies: z.array(slaPolicySchema).min(1).default(defaultSlaPolicies),
    /**
     * Range of local dates over which business-hours schedules are expanded into open intervals
     * (seed `cfg_business_hours`) and the reporting day spine is cut (`cfg_reporting_days`);
     * durations outside it count no business time. Absent = it follows the data: from two years
     * before the earliest source `startDate` to a year past the run's "now" (see `calendarRange`).
     */
    calendarFrom: isoDate.optional(),
    calendarTo: isoDate.optional(),
  })
  .superRefine((sla, ctx) => {
    for (const [i, policy] of sla.policies.entries()) {
      if (policy.schedule !== 'calendar' && !(policy.schedule in sla.schedules)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'schedule'],
          message: `schedule "${policy.schedule}" is not defined under sla.schedules (or use "calendar")`,
        });
      }
    }
    if (sla.calendarFrom !== undefined && sla.calendarTo !== undefined && sla.calendarFrom > sla.calendarTo) {
      ctx.addIssue({ code: 'custom', path: ['calendarTo'], message: 'calendarTo is before calendarFrom' });
    }
  });
export type SlaConfig = z.infer<typeof slaConfigSchema>;

// ----------------------------------------------------------------------------------- KPI catalogue

export const breakdownSchema = z.enum([
  'overall',
  'channel',
  'priority',
  'vip_tier',
  'language',
  'category',
  'group_tier',
]);
export type Breakdown = z.infer<typeof breakdownSchema>;

export const frequencySchema = z.enum(['daily', 'weekly', 'monthly', 'quarterly', 'half-yearly']);
export type Frequency = z.infer<typeof frequencySchema>;

/** What a value means, for display: seconds as `1 h 05 min`, rates as percentages. */
export const kpiUnitSchema = z.enum(['seconds', 'rate', 'ratio', 'score', 'count']);
export type KpiUnit = z.infer<typeof kpiUnitSchema>;

export const kpiTargetSchema = z.strictObject({
  breakdown: breakdownSchema.default('overall'),
  /** The breakdown cell the target applies to; `all` for the overall row. */
  value: z.string().default('all'),
  target: z.number(),
});
export type KpiTarget = z.infer<typeof kpiTargetSchema>;

export const kpiDefinitionSchema = z.strictObject({
  /** The formula, as published in KPIS.md; the SQL of `kpi_values` implements it. */
  formula: z.string().min(1),
  direction: z.enum(['higher', 'lower', 'none']),
  unit: kpiUnitSchema,
  targets: z.array(kpiTargetSchema).default([]),
  owner: z.string(),
  frequency: frequencySchema,
  source: z.string(),
  /** Weight in the service quality index (0 = not part of it). */
  weight: z.number().min(0).default(1),
});
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

type Def = z.input<typeof kpiDefinitionSchema>;
const t = (target: number, breakdown: Breakdown = 'overall', value = 'all') => ({ breakdown, value, target });
const ops = 'operations manager';

/** The KPI catalogue of KPIS.md: names, formulas, directions, default targets, owners. */
export const defaultKpiCatalogue: Record<string, Def> = {
  first_reply_time_avg_s: {
    formula: 'mean first_reply_time_s over tickets created in the period with a reply',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(60, 'channel', 'chat'), t(4 * HOUR, 'channel', 'email')],
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  first_reply_time_p50_s: {
    formula: 'median first_reply_time_s over tickets created in the period with a reply',
    direction: 'lower',
    unit: 'seconds',
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  first_reply_time_p90_s: {
    formula: '90th percentile of first_reply_time_s over tickets created in the period with a reply',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(120, 'channel', 'chat')],
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  chat_replied_within_60s_rate: {
    formula: 'chat tickets with first_response_time_s <= 60 / chat tickets with a response',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.7)],
    owner: 'chat supervisor',
    frequency: 'daily',
    source: 'ticket desk',
  },
  avg_reply_wait_s: {
    formula: 'sum total_reply_wait_s / sum reply_wait_count',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(30 * 60)],
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  full_resolution_time_p50_s: {
    formula: 'median full_resolution_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  full_resolution_time_avg_s: {
    formula: 'mean full_resolution_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(4 * HOUR)],
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  full_resolution_time_p90_s: {
    formula: '90th percentile of full_resolution_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  fcr_rate: {
    formula: 'is_first_contact_resolution / solved tickets with agent_reply_count >= 1, solved in the period',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.78)],
    owner: 'support analyst',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  one_touch_rate: {
    formula: 'is_one_touch / solved tickets with agent_reply_count >= 1, solved in the period',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.7)],
    owner: 'support analyst',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  repeat_contact_rate_24h: {
    formula: 'tickets with is_repeat_contact_24h / tickets created',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.1)],
    owner: 'content quality lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  repeat_contact_rate_7d: {
    formula: 'tickets with is_repeat_contact_7d / tickets created',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.15)],
    owner: 'content quality lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  reopen_rate: {
    formula: 'solved tickets with reopen_count >= 1 / solved tickets',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.05)],
    owner: 'QA lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  escalation_rate: {
    formula: 'escalated tickets / tickets created',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.06)],
    owner: 'head of support',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  escalation_time_avg_s: {
    formula: 'mean escalation_time_s',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(2 * HOUR)],
    owner: 'escalations lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  early_escalation_rate: {
    formula: 'escalations with escalation_time_s <= 15 min / escalations',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.6)],
    owner: 'escalations lead',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  sla_compliance_rate: {
    formula: 'met / (met + breached), first-reply and resolution targets together',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.95)],
    owner: 'support operations',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  sla_first_reply_compliance_rate: {
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
    formula: 'mean agent_work_time_s over tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(10 * 60, 'channel', 'chat')],
    owner: ops,
    frequency: 'weekly',
    source: 'ticket desk',
  },
  simple_request_handle_time_s: {
    formula: 'mean agent_work_time_s of one-touch tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(2 * 60)],
    owner: ops,
    frequency: 'weekly',
    source: 'ticket desk',
  },
  csat_rate: {
    formula: 'ratings >= 4 / all ratings, by rating date',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.88)],
    owner: 'quality manager',
    frequency: 'quarterly',
    source: 'surveys',
  },
  csat_response_rate: {
    formula: 'rated / offered, by offer date',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.25)],
    owner: 'quality manager',
    frequency: 'quarterly',
    source: 'surveys',
  },
  nps: {
    formula: '100 * (promoters 9-10 - detractors 0-6) / responses',
    direction: 'higher',
    unit: 'score',
    targets: [t(40)],
    owner: 'loyalty lead',
    frequency: 'half-yearly',
    source: 'CRM surveys',
  },
  bot_containment_rate: {
    formula: 'is_bot_contained / is_bot_handled',
    direction: 'higher',
    unit: 'rate',
    targets: [t(0.5)],
    owner: 'automation lead',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  multi_transfer_rate: {
    formula: 'tickets with group_transfer_count >= 2 / tickets',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.05)],
    owner: ops,
    frequency: 'monthly',
    source: 'ticket desk',
  },
  backlog_open: {
    formula: 'unsolved, non-deleted tickets at the end of the day (of the period)',
    direction: 'lower',
    unit: 'count',
    owner: 'support manager',
    frequency: 'daily',
    source: 'ticket desk',
  },
  backlog_age_p50_s: {
    formula: 'median age of the backlog at the end of the day (of the period)',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'daily',
    source: 'ticket desk',
  },
  backlog_age_p90_s: {
    formula: '90th percentile age of the backlog at the end of the day (of the period)',
    direction: 'lower',
    unit: 'seconds',
    owner: 'support manager',
    frequency: 'daily',
    source: 'ticket desk',
  },
  ticket_volume: {
    formula: 'tickets created',
    direction: 'none',
    unit: 'count',
    owner: ops,
    frequency: 'daily',
    source: 'ticket desk',
  },
  peak_hour_frt_degradation: {
    formula: "per day: median FRT in the day's 3 busiest hours / median FRT of the day - 1 (mean of days)",
    direction: 'lower',
    unit: 'ratio',
    targets: [t(0.005)],
    owner: 'IT / workforce',
    frequency: 'monthly',
    source: 'ticket desk',
  },
  negative_sentiment_rate: {
    formula: 'tickets labelled negative / tickets with text',
    direction: 'lower',
    unit: 'rate',
    targets: [t(0.15)],
    owner: 'CX analyst',
    frequency: 'weekly',
    source: 'NLP stage',
  },
  avg_sentiment: {
    formula: 'mean sentiment_score of tickets with text',
    direction: 'higher',
    unit: 'score',
    owner: 'CX analyst',
    frequency: 'weekly',
    source: 'NLP stage',
  },
  post_contact_retention_30d: {
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
    formula: 'p90 first_reply_time_s of security-category tickets created in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(300)],
    owner: 'security support lead',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  security_incident_resolution_p90_s: {
    formula: 'p90 full_resolution_time_s of security-category tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    owner: 'security support lead',
    frequency: 'weekly',
    source: 'ticket desk',
  },
  wallet_issue_resolution_p50_s: {
    formula: 'p50 full_resolution_time_s of deposit / withdrawal tickets solved in the period',
    direction: 'lower',
    unit: 'seconds',
    targets: [t(4 * HOUR)],
    owner: 'support manager',
    frequency: 'weekly',
    source: 'ticket desk',
  },
};

/** The published KPI names (KPIS.md plus the two single-target SLA rates and the backlog ages). */
export const kpiNames = Object.keys(defaultKpiCatalogue);

/**
 * The catalogue in configuration: any KPI may be overridden field by field (e.g. only its targets);
 * KPIs not mentioned keep the spec's defaults. A name outside the catalogue is an error, because
 * the SQL would not compute it.
 */
export const kpiCatalogueSchema = z
  .record(z.string(), kpiDefinitionSchema.partial())
  .default({})
  .transform((overrides, ctx) => {
    const catalogue: Record<string, KpiDefinition> = {};
    for (const name of kpiNames) {
      const merged = { ...defaultKpiCatalogue[name], ...(overrides[name] ?? {}) };
      catalogue[name] = kpiDefinitionSchema.parse(merged);
    }
    for (const name of Object.keys(overrides)) {
      if (!(name in defaultKpiCatalogue)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `unknown KPI "${name}"; the models compute: ${kpiNames.join(', ')}`,
        });
      }
    }
    return catalogue;
  });
export type KpiCatalogue = z.output<typeof kpiCatalogueSchema>;

export const kpisConfigSchema = z.strictObject({
  catalogue: kpiCatalogueSchema,
});
export type KpisConfig = z.infer<typeof kpisConfigSchema>;

// ------------------------------------------------------------------------------------------ alerts

export const alertsConfigSchema = z.strictObject({
  /** Raise when trailing compliance is more than this many percentage points below target. */
  thresholdPp: z.number().positive().default(5),
  /** Trailing window, in hours. */
  windowHours: z.number().positive().default(24),
  /** At most this many breakdown cells are named as drivers of an alert. */
  maxDrivers: z.number().int().positive().default(5),
  /** Cells with fewer measured targets are not named (noise). */
  minCellTargets: z.number().int().positive().default(3),
  /** SNS topic in AWS; absent = console and file only. */
  snsTopicArn: z.string().optional(),
  /** Local alert file (JSON lines), relative to stateDir unless absolute. */
  file: z.string().default('alerts.jsonl'),
});
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;

// --------------------------------------------------------------------------------------- sentiment

export const sentimentConfigSchema = z.strictObject({
  analyser: z.enum(['local', 'comprehend']).default('local'),
  /** Comprehend region; absent = the SDK default chain. */
  region: z.string().optional(),
  /** Texts longer than this are cut before analysis (Comprehend accepts 5 KB per document). */
  maxChars: z.number().int().positive().default(4500),
});
export type SentimentConfig = z.infer<typeof sentimentConfigSchema>;
