import * as z from 'zod';
import { timeZoneSchema } from '#src/shared/field-schemas.ts';
import { tierSchema } from './desk-config.ts';

/* The SLA section of the configuration: business-hours schedules and the ordered policy rules. */

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
