import * as z from 'zod';

/**
 * Field schemas shared by the configuration sections, so each field is checked where it is
 * declared, up front, before anything is read or written.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** A host name that can only be this machine (plain HTTP to it never crosses a network). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * A URL the warehouse sends credentials or data to: https, or http only to this machine
 * (the bundled simulator, s3rver, MinIO on loopback). `file:`, `ftp:`, `javascript:` and every
 * other scheme are refused, as is plain http to any other host.
 */
export const webUrlSchema = z.url().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return; // z.url() already reported it
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  ctx.addIssue({
    code: 'custom',
    message:
      url.protocol === 'http:'
        ? `plain http is allowed only to 127.0.0.1, localhost or ::1, not ${url.hostname}; use https`
        : `scheme ${url.protocol} is not allowed; use https (or http to 127.0.0.1, localhost or ::1)`,
  });
});

/** True when the runtime's time-zone database knows the IANA name. */
export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (`Europe/London`, `UTC`), checked against the time-zone database. */
export const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isIanaTimeZone, { message: 'not a known IANA time zone (e.g. UTC, Europe/London)' });

/** A DuckDB memory limit: a positive amount with a unit (`4GB`, `512MB`, `1.5GiB`). */
export const memoryLimitSchema = z
  .string()
  .regex(
    /^\s*(?:\d+(?:\.\d+)?)\s*(?:B|bytes|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i,
    'expected an amount of memory with a unit, e.g. "4GB" or "512MB"',
  );
