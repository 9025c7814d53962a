/** A run id that sorts by time and is safe in object keys: `2026-11-23T06-00-00Z`. */
export function newRunId(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}
