import * as z from 'zod';

/**
 * The one run-id format: a single object-key segment that is also a valid Step Functions execution
 * name (the state machine passes `$$.Execution.Name`), so at most 80 characters of letters, digits,
 * `.`, `_` and `-`, starting with a letter or digit. The CLI, the extraction, the handlers and the
 * publication manifest all validate with this schema.
 */
export const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export const runIdSchema = z
  .string()
  .regex(
    runIdPattern,
    'a run id is letters, digits, ".", "_" or "-", starting with a letter or digit, at most 80',
  );

/** A run id that sorts by time and is safe in object keys: `2026-11-23T06-00-00Z`. */
export function newRunId(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}
