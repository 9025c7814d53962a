/**
 * The business date of a record, by the first field present in this order: when it was created
 * (tickets, events, comments, ratings; HubSpot `createdAt` / `properties.createdate`), submitted
 * (surveys), valid from (history), and only then when it was last updated. Retention judges every
 * record by this date, never by when it was extracted.
 */
const DATE_FIELDS = [
  'created_at',
  'createdAt',
  'submitted_at',
  'submittedAt',
  'valid_from',
  'updated_at',
  'updatedAt',
] as const;

export function recordDate(record: unknown): Date | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const fields = record as Record<string, unknown>;
  const properties = fields.properties;
  const candidates: unknown[] = DATE_FIELDS.map((f) => fields[f]);
  if (properties !== null && typeof properties === 'object') {
    const p = properties as Record<string, unknown>;
    candidates.splice(2, 0, p.createdate, p.hs_createdate);
  }
  for (const value of candidates) {
    const date = asDate(value);
    if (date) return date;
  }
  return undefined;
}

/** A timestamp as the landing and the APIs write it: ISO text, `YYYY-MM-DD hh:mm:ss`, or epoch seconds. */
export function asDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value > 1e11 ? value : value * 1000);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const spaced = /^\d{4}-\d{2}-\d{2} \d/.test(value) ? value.replace(' ', 'T') : value;
  // `+00` (DuckDB's offset) as `+00:00`, which Date parses.
  const text = spaced.slice(0, 10) + spaced.slice(10).replace(/([+-]\d{2})$/, '$1:00');
  const iso = /[zZ]|[+-]\d{2}(:?\d{2})?$/.test(text.slice(10)) || text.length === 10 ? text : `${text}Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
