/**
 * Durations for people, one format everywhere a person reads one: the terminal scorecard, the
 * dashboard (this module is bundled into the page, so it imports nothing) and the tests.
 */
/** `45 s`, `12 min 05 s`, `1 h 05 min`, `3 d 4 h`; negative durations keep their sign. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '−' : '';
  const total = Math.round(Math.abs(seconds));
  if (total < 60) return `${sign}${total} s`;
  if (total < 3_600) {
    const minutes = Math.floor(total / 60);
    return `${sign}${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  }
  const totalMinutes = Math.round(total / 60);
  if (totalMinutes < 24 * 60) {
    const hours = Math.floor(totalMinutes / 60);
    return `${sign}${hours} h ${String(totalMinutes % 60).padStart(2, '0')} min`;
  }
  const totalHours = Math.round(total / 3_600);
  return `${sign}${Math.floor(totalHours / 24)} d ${totalHours % 24} h`;
}
