import * as z from 'zod';
import { defaultRetryPolicy, retryPolicySchema } from '#src/connectors/shared/retry-policy.ts';
import { webUrlSchema } from '#src/shared/field-schemas.ts';

export const hubspotStreamNames = ['contacts', 'survey_responses'] as const;

/** Configuration of the HubSpot-compatible CRM connector. */
export const hubspotConfigSchema = z.strictObject({
  /** https://api.hubapi.com; absent = the bundled simulator started by `warehouse run`. */
  baseUrl: webUrlSchema.optional(),
  /** Name of the environment variable holding the private-app access token. */
  tokenEnv: z.string().min(1).default('HUBSPOT_ACCESS_TOKEN'),
  /**
   * Kept for symmetry with the ticket desk; no stream filters on it today: contacts are a dimension
   * read whole (then incrementally), and feedback submissions have no modified-since filter.
   */
  startDate: z.iso.date().default('2026-08-01'),
  streams: z.array(z.enum(hubspotStreamNames)).default([...hubspotStreamNames]),
  /** HubSpot documents 100 requests per 10 s for private apps, and 5 a second for search. */
  requestsPer10s: z.number().int().positive().default(100),
  searchRequestsPerSecond: z.number().int().positive().default(5),
  /** Re-read this many minutes before the checkpoint (search indexing lags behind writes). */
  lookbackMinutes: z.number().int().nonnegative().default(0),
  /** Search page size: at most 200. */
  pageSize: z.number().int().min(1).max(200).default(200),
  /** List page size (feedback submissions): at most 100. */
  listPageSize: z.number().int().min(1).max(100).default(100),
  retry: retryPolicySchema.default(defaultRetryPolicy),
  properties: z
    .strictObject({
      vipTier: z.string().default('vip_tier'),
      kycLevel: z.string().default('kyc_level'),
      lastTradeAt: z.string().default('last_trade_at'),
    })
    .default({ vipTier: 'vip_tier', kycLevel: 'kyc_level', lastTradeAt: 'last_trade_at' }),
});
export type HubspotConfig = z.infer<typeof hubspotConfigSchema>;
