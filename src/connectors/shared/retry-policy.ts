import * as z from 'zod';

/** Retry settings shared by every connector's configuration section. */
export const retryPolicySchema = z.strictObject({
  /** Retries of one request after a 5xx, a timeout or a dropped connection. */
  maxRetries: z.number().int().min(0).max(20).default(6),
  /** Retries of one request after 429 answers (each waits for Retry-After). */
  maxRateLimitRetries: z.number().int().min(0).max(100).default(20),
  /** First back-off ceiling; each retry doubles it (full jitter: a random wait below the ceiling). */
  baseDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(0).default(30_000),
  /** Per-request timeout (connect + full body). */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Used when a 429 carries no Retry-After header. */
  defaultRetryAfterMs: z.number().int().min(0).default(10_000),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export const defaultRetryPolicy: RetryPolicy = retryPolicySchema.parse({});

/** Full jitter: a uniform wait in [0, min(max, base·2^attempt)). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
