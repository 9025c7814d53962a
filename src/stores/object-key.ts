/** A key the store refuses: absolute, empty segments, or climbing out with `..`. */
export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
  constructor(readonly key: string) {
    super(
      `Invalid object key ${JSON.stringify(key)}: keys are relative, '/'-separated, with no empty, '.' or '..' segments.`,
    );
  }
}

export function assertValidKey(key: string): void {
  if (!key || key.startsWith('/') || key.includes('\\')) throw new InvalidObjectKeyError(key);
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new InvalidObjectKeyError(key);
  }
}
