/**
 * Time-zone arithmetic on epoch seconds with the platform's IANA database (Intl), so seeds carry
 * UTC instants and the SQL never needs a time-zone function (Athena and DuckDB disagree on those).
 */

export class UnknownTimeZoneError extends Error {
  override readonly name = 'UnknownTimeZoneError';
  constructor(readonly zone: string) {
    super(`Unknown time zone "${zone}": use an IANA name such as "UTC" or "Europe/London".`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new UnknownTimeZoneError(zone);
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Offset of `zone` from UTC in seconds at the UTC instant `epochS` (e.g. +3600 for BST). */
export function zoneOffsetSeconds(zone: string, epochS: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(epochS * 1000))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return Math.round(asUtc / 1000 - Math.floor(epochS));
}

/** Epoch seconds of local midnight + `minutes` on the local date `isoDate` in `zone`. */
export function localToEpoch(zone: string, isoDate: string, minutes: number): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) / 1000 + minutes * 60;
  // Two passes settle the offset, also next to a change (openings are never inside a DST gap).
  let guess = wall - zoneOffsetSeconds(zone, wall);
  guess = wall - zoneOffsetSeconds(zone, guess);
  return guess;
}

/** `YYYY-MM-DD` of an epoch-days number. */
export function isoDateOfDay(day: number): string {
  return new Date(day * 86400_000).toISOString().slice(0, 10);
}

/** Epoch-days number of `YYYY-MM-DD`. */
export function dayOfIsoDate(isoDate: string): number {
  return Math.round(Date.parse(`${isoDate}T00:00:00Z`) / 86400_000);
}

export interface OffsetPeriod {
  readonly validFromS: number;
  readonly validToS: number;
  readonly offsetS: number;
}

/**
 * The periods of constant UTC offset of `zone` covering [fromS, toS): one row per daylight-saving
 * regime, each transition found to the second by bisection.
 */
export function offsetPeriods(zone: string, fromS: number, toS: number): OffsetPeriod[] {
  const periods: OffsetPeriod[] = [];
  let start = fromS;
  let offset = zoneOffsetSeconds(zone, start);
  const step = 6 * 3600;
  for (let probe = fromS + step; probe < toS + step; probe += step) {
    const at = Math.min(probe, toS);
    const next = zoneOffsetSeconds(zone, at);
    if (next !== offset) {
      let lo = at - step;
      let hi = at;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zoneOffsetSeconds(zone, mid) === offset) lo = mid;
        else hi = mid;
      }
      periods.push({ validFromS: start, validToS: hi, offsetS: offset });
      start = hi;
      offset = next;
    }
    if (at === toS) break;
  }
  periods.push({ validFromS: start, validToS: toS, offsetS: offset });
  return periods;
}
