import { hashUnit } from './prng.ts';
import type { SimulatorConfig } from './simulator-config.ts';

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

/** Malformed-record fault: the record as served, broken the same way on every read when it is one of the malformed. */
export function maybeMalformed(
  config: SimulatorConfig,
  entity: MalformedEntity,
  id: number,
  record: Record<string, unknown>,
): Record<string, unknown> {
  return isMalformed(config.seed, config.faults.malformedRate, entity, id)
    ? malform(config.seed, entity, id, record)
    : record;
}

/** Duplicate-record fault: one record of the page repeated right after itself. */
export function maybeDuplicate<T>(config: SimulatorConfig, page: T[], pageKey: string): T[] {
  const rate = config.faults.duplicateRate;
  if (rate <= 0 || page.length === 0 || hashUnit(config.seed, 'duplicate', pageKey) >= rate) return page;
  const at = Math.floor(hashUnit(config.seed, 'duplicate-at', pageKey) * page.length);
  return [...page.slice(0, at + 1), page[at] as T, ...page.slice(at + 1)];
}
