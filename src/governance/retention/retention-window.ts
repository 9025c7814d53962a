/** `now` minus `months` calendar months (UTC), the day clamped to the target month's length. */
export function monthsBefore(now: Date, months: number): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(now.getUTCDate(), lastDay),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
}

/**
 * The end (exclusive) of the partition an object key names: `dt=2025-03-04` ends on 2025-03-05,
 * `created_month=2025-03` (any `…month=`) on 2025-04-01, any other `…=YYYY-MM-DD` the next day.
 * Undefined when the key names no date partition.
 */
export function partitionEnd(key: string): Date | undefined {
  for (const segment of key.split('/')) {
    const day = /^[a-z_]*=(\d{4})-(\d{2})-(\d{2})$/.exec(segment);
    if (day) return new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + 1));
    const month = /^[a-z_]*month=(\d{4})-(\d{2})$/.exec(segment);
    if (month) return new Date(Date.UTC(Number(month[1]), Number(month[2]), 1));
  }
  return undefined;
}
