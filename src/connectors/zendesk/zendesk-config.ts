import * as z from 'zod';
import { defaultRetryPolicy, retryPolicySchema } from '#src/connectors/shared/retry-policy.ts';
import { webUrlSchema } from '#src/shared/field-schemas.ts';

export const zendeskStreamNames = [
  'tickets',
  'ticket_events',
  'users',
  'groups',
  'satisfaction_ratings',
] as const;

/** Configuration of the Zendesk-compatible ticket desk connector. */
export const zendeskConfigSchema = z.strictObject({
  /** https://<subdomain>.zendesk.com; absent = the bundled simulator started by `warehouse run`. */
  baseUrl: webUrlSchema.optional(),
  /** Name of the environment variable holding the agent e-mail for `email/token` auth. */
  emailEnv: z.string().min(1).default('ZENDESK_EMAIL'),
  /** Name of the environment variable holding the API token (or an OAuth bearer token). */
  tokenEnv: z.string().min(1).default('ZENDESK_API_TOKEN'),
  authScheme: z.enum(['basic-token', 'bearer']).default('basic-token'),
  /**
   * First day of tickets, ticket events and ratings on an empty checkpoint (UTC, YYYY-MM-DD).
   * Users and groups are dimensions and are read whole whatever their age.
   */
  startDate: z.iso.date().default('2026-08-01'),
  streams: z.array(z.enum(zendeskStreamNames)).default([...zendeskStreamNames]),
  /** Incremental exports: Zendesk documents 10 requests a minute (30 with the High Volume add-on). */
  requestsPerMinute: z.number().int().positive().default(10),
  /** Every other endpoint: the plan's account limit (Team 200, Growth/Professional 400, Enterprise 700). */
  apiRequestsPerMinute: z.number().int().positive().default(400),
  /** Re-read this many minutes before the checkpoint to catch records that land late. */
  lookbackMinutes: z.number().int().nonnegative().default(0),
  perPage: z.number().int().min(1).max(1000).default(1000),
  /** Page size of cursor-paginated list endpoints (groups, satisfaction ratings): at most 100. */
  listPageSize: z.number().int().min(1).max(100).default(100),
  retry: retryPolicySchema.default(defaultRetryPolicy),
  customFields: z
    .strictObject({
      category: z.number().int().positive().default(360000001001),
      language: z.number().int().positive().default(360000001002),
    })
    .default({ category: 360000001001, language: 360000001002 }),
});
export type ZendeskConfig = z.infer<typeof zendeskConfigSchema>;
