type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Two configuration inputs (unparsed JSON) as one: objects merge key by key, recursively; anything
 * else in `overlay` (a scalar, a list, null) replaces what `base` holds. Used where a configuration
 * arrives in parts, e.g. in Lambda the warehouse sections of the deployment (a file) under the
 * stack's own settings (lake, engine, source endpoints; an environment variable).
 */
export function mergeConfigInputs(base: unknown, overlay: unknown): unknown {
  if (!isPlain(base) || !isPlain(overlay)) return overlay === undefined ? base : overlay;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = mergeConfigInputs(base[key], value);
  return merged;
}
