/**
 * Replaces every occurrence of the given secrets (and their base64 forms, as they appear in Basic
 * auth) with `[redacted]`. A last line of defence for error messages and logs: code should not put
 * secrets there in the first place.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}
