/** Fixed-window request counters on the real (wall) clock, like the vendors' limiters. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts the request; returns the seconds to wait if it is over the limit, else 0. */
  take(bucket: string, limit: number, windowMs: number): number {
    const t = this.now();
    let w = this.windows.get(bucket);
    if (!w || t - w.start >= windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(bucket, w);
    }
    if (w.count >= limit) return Math.max(1, Math.ceil((w.start + windowMs - t) / 1000));
    w.count++;
    return 0;
  }
}
