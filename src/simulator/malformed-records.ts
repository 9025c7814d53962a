import { hashUnit } from './prng.ts';

export type MalformedEntity =
  | 'tickets'
  | 'ticket_events'
  | 'users'
  | 'satisfaction_ratings'
  | 'contacts'
  | 'feedback_submissions';

/** Whether a record is deliberately malformed: a property of the record, the same on every read. */
export function isMalformed(
  seed: number,
  rate: number,
  entity: MalformedEntity,
  id: number | string,
): boolean {
  return rate > 0 && hashUnit(seed, 'malformed', entity, String(id)) < rate;
}

/**
 * Breaks a record the way real APIs occasionally do: a timestamp of the wrong type, a missing
 * required field, an id as text, a nested object replaced by a string.
 */
export function malform(
  seed: number,
  entity: MalformedEntity,
  id: number | string,
  record: Record<string, unknown>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  const mode = Math.floor(hashUnit(seed, 'malform-mode', entity, String(id)) * 4);
  const timeKey = 'created_at' in copy ? 'created_at' : 'createdAt';
  switch (mode) {
    case 0:
      copy[timeKey] = 12345;
      break;
    case 1:
      delete copy[timeKey];
      break;
    case 2:
      copy.id = `id-${String(copy.id)}`;
      break;
    default:
      if ('properties' in copy) copy.properties = 'unavailable';
      else if ('status' in copy) copy.status = 7;
      else if ('ticket_id' in copy) copy.ticket_id = null;
      else copy.updated_at = 'not a date';
  }
  return copy;
}
