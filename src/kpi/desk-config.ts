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
