import type { z } from 'zod';
import { SourceProtocolError } from '#src/connectors/shared/source-protocol-error.ts';

/** Checks the envelope of a response page (not its records, which are validated one by one). */
export function parsePage<T>(schema: z.ZodType<T>, json: unknown, source: string, path: string): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(page)'}: ${i.message}`)
      .join('; ');
    throw new SourceProtocolError(source, path, `unexpected response page (${detail})`);
  }
  return result.data;
}

/** A numeric field of a record that may be malformed, or undefined. */
export function numberField(record: unknown, field: string): number | undefined {
  const value = (record as Record<string, unknown> | null)?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Seconds since the epoch of an ISO field of a record that may be malformed, or undefined. */
export function isoFieldSeconds(record: unknown, field: string): number | undefined {
  const value = (record as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
