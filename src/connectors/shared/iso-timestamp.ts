import { RecordRejectedError } from '#src/connectors/connector.ts';

/**
 * Normalises a source timestamp (ISO-8601 with any offset, or epoch milliseconds as a number or a
 * digit string, as HubSpot sends datetime properties) to the landing form: ISO-8601 UTC ending in Z.
 */
export function toIsoUtc(value: string | number, field: string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value))
    return value;
  const ms = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new RecordRejectedError(`${field}: ${JSON.stringify(value)} is not a timestamp`);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()))
    throw new RecordRejectedError(`${field}: ${JSON.stringify(value)} is not a timestamp`);
  return date.toISOString();
}

export function toIsoUtcOrNull(value: string | number | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  return toIsoUtc(value, field);
}

/** Milliseconds since the epoch of a source timestamp. */
export function toEpochMs(value: string | number, field: string): number {
  return Date.parse(toIsoUtc(value, field));
}
