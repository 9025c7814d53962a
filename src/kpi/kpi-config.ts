import { z } from 'zod';

export const tierSchema = z.enum(['L1', 'L2', 'L3', 'VIP', 'BOT']);
export type Tier = z.infer<typeof tierSchema>;

/** How the support desk is organised: bots, group tiers, reporting time zone. */
export const deskConfigSchema = z.strictObject({
  /** IANA zone in which reporting days, weeks and months are cut. */
  reportingTimeZone: z.string().default('UTC'),
  /** Users counted as bots (besides those the source flags). */
  botUserIds: z.array(z.number().int()).default([]),
  /** Tier of each group, by group name. A group not listed is L1. */
  groupTiers: z.record(z.string(), tierSchema).default({}),
  /** Groups that handle security incidents (escalation into one counts as reaching L3). */
  securityGroups: z.array(z.string()).default([]),
});
export type DeskConfig = z.infer<typeof deskConfigSchema>;
