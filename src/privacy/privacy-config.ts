import * as z from 'zod';

/** The `privacy` section: where the key customer keys are derived with comes from. */
export const privacyConfigSchema = z.strictObject({
  /** Environment variable holding the HMAC key for customer keys (a Secrets Manager value in AWS). */
  hmacKeyEnv: z.string().min(1).default('WAREHOUSE_HMAC_KEY'),
});

export type PrivacyConfig = z.infer<typeof privacyConfigSchema>;
