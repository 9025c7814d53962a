import { z } from 'zod';

/** Retention windows and legal holds. */
export const governanceConfigSchema = z.strictObject({
  retention: z
    .strictObject({
      /** Ticket facts and events. */
      factsMonths: z.number().int().min(12).max(24).default(24),
      /** Message text and raw API payloads. */
      textMonths: z.number().int().min(1).max(24).default(12),
    })
    .default({ factsMonths: 24, textMonths: 12 }),
  legalHolds: z
    .array(
      z.union([
        z.strictObject({ customerKey: z.string().min(1), reason: z.string().min(1) }),
        z.strictObject({ ticketId: z.number().int(), reason: z.string().min(1) }),
      ]),
    )
    .default([]),
});
export type GovernanceConfig = z.infer<typeof governanceConfigSchema>;
