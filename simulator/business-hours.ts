import { businessHours } from './world-catalog.ts';

const DAY = 86400;
const holidays = new Set<string>(businessHours.holidays);

/** Last Sunday of a month at 01:00 UTC, the moment UK clocks change. */
function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1) / 1000;
}

/** Offset of Europe/London from UTC in seconds (BST = +3600) at a UTC instant. */
export function londonOffset(ts: number): number {
  const year = new Date(ts * 1000).getUTCFullYear();
  return ts >= lastSundayAt1Utc(year, 2) && ts < lastSundayAt1Utc(year, 9) ? 3600 : 0;
}

function localDayInfo(ts: number): { dayStartUtc: number; workday: boolean; offset: number } {
  const offset = londonOffset(ts);
  const local = ts + offset;
  const localDayStart = local - (((local % DAY) + DAY) % DAY);
  const date = new Date(localDayStart * 1000);
  const weekday = date.getUTCDay();
  const iso = date.toISOString().slice(0, 10);
  return {
    dayStartUtc: localDayStart - offset,
    workday: weekday !== 0 && weekday !== 6 && !holidays.has(iso),
    offset,
  };
}

/** The desk is open Mon–Fri 09:00–18:00 London time, except holidays. */
export function isBusinessTime(ts: number): boolean {
  const { dayStartUtc, workday } = localDayInfo(ts);
  const t = ts - dayStartUtc;
  return workday && t >= businessHours.openHour * 3600 && t < businessHours.closeHour * 3600;
}

/** `ts` when the desk is open, else the next opening time. */
export function nextBusinessTime(ts: number): number {
  let probe = ts;
  for (let i = 0; i < 15; i++) {
    const { dayStartUtc, workday } = localDayInfo(probe);
    const open = dayStartUtc + businessHours.openHour * 3600;
    const close = dayStartUtc + businessHours.closeHour * 3600;
    if (workday && probe < close) return Math.max(probe, open);
    probe = dayStartUtc + DAY + 3 * 3600; // into the next local day, whatever the DST change
    probe = localDayInfo(probe).dayStartUtc;
  }
  return ts;
}
