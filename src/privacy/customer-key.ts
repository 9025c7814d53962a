import { createHmac } from 'node:crypto';

/**
 * The pseudonymous customer key: HMAC-SHA256 (hex) of the trimmed, lower-cased e-mail. The same
 * person gets the same key in the ticket desk and the CRM, and nobody without the secret key can
 * compute it from an address. No e-mail, no key.
 */
export function customerKey(email: string | null | undefined, key: string | Uint8Array): string | null {
  if (email === null || email === undefined) return null;
  const normalised = email.trim().toLowerCase();
  if (!normalised) return null;
  return createHmac('sha256', key).update(normalised, 'utf8').digest('hex');
}
