import type { Schedule, Weekday } from '#src/kpi/kpi-config.ts';
import { dayOfIsoDate, isoDateOfDay, localToEpoch } from './zoned-time.ts';

/**
 * One row of the business-hours lookup: the open interval [openFromS, openToS) and the closed gap
 * after it up to nextOpenFromS, with the open seconds of the schedule before openFromS. The
 * business seconds elapsed at any instant t are then
 * `openBeforeS + min(max(t − openFromS, 0), openToS − openFromS)` on the row whose
 * [openFromS, nextOpenFromS) contains t, and a business duration is the difference of two such values.
 */
export interface OpenInterval {
  readonly openFromS: number;
  readonly openToS: number;
  readonly nextOpenFromS: number;
  readonly openBeforeS: number;
}

const weekdays: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * Expand a weekly schedule into UTC open intervals over the local dates [fromDate, toDate], each
 * local wall-clock opening converted with the zone's offset on that date (so a 09:00 opening is
 * 08:00 UTC in summer and 09:00 UTC in winter in London), holidays removed, overlapping hours merged.
 * The first row is a zero-length sentinel at the start of the range, so every instant in range finds a row.
 */
export function openIntervals(schedule: Schedule, fromDate: string, toDate: string): OpenInterval[] {
  const holidays = new Set(schedule.holidays);
  const raw: [number, number][] = [];
  for (let day = dayOfIsoDate(fromDate); day <= dayOfIsoDate(toDate); day++) {
    const iso = isoDateOfDay(day);
    if (holidays.has(iso)) continue;
    const weekday = weekdays[new Date(day * 86400_000).getUTCDay()]!;
    for (const hours of schedule.hours) {
      if (!hours.days.includes(weekday)) continue;
      const open = localToEpoch(schedule.timeZone, iso, minutesOf(hours.open));
      const close = localToEpoch(schedule.timeZone, iso, minutesOf(hours.close));
      if (close > open) raw.push([open, close]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [open, close] of raw) {
    const last = merged.at(-1);
    if (last && open <= last[1]) last[1] = Math.max(last[1], close);
    else merged.push([open, close]);
  }
  const rangeStart = localToEpoch(schedule.timeZone, fromDate, 0);
  const farFuture = localToEpoch(schedule.timeZone, toDate, 0) + 400 * 86400;
  const rows: OpenInterval[] = [
    {
      openFromS: rangeStart,
      openToS: rangeStart,
      nextOpenFromS: merged[0]?.[0] ?? farFuture,
      openBeforeS: 0,
    },
  ];
  let before = 0;
  for (const [i, [open, close]] of merged.entries()) {
    rows.push({
      openFromS: open,
      openToS: close,
      nextOpenFromS: merged[i + 1]?.[0] ?? farFuture,
      openBeforeS: before,
    });
    before += close - open;
  }
  return rows;
}

/** Business seconds between two instants, the same arithmetic the SQL does (for tests and alerts). */
export function businessSeconds(intervals: readonly OpenInterval[], fromS: number, toS: number): number {
  const at = (t: number): number => {
    const row = intervals.findLast((r) => r.openFromS <= t);
    if (!row) return 0;
    return row.openBeforeS + Math.min(Math.max(t - row.openFromS, 0), row.openToS - row.openFromS);
  };
  return at(toS) - at(fromS);
}
