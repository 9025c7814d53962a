/**
 * Paces requests under one documented limit: at most `limit` requests in any `windowMs`.
 *
 * It is a token bucket whose tokens come back one window after they were spent (a sliding-window
 * log). A classic bucket that refills continuously and starts full can let 2·limit−1 requests
 * through in one window, which a server counting per window answers with 429; this one never
 * exceeds the limit in any window and still reaches the full rate. `marginMs` (4 % of the window
 * and 20 ms) absorbs the jitter between when we send and when the server counts: on a loaded
 * machine, 1 % let a request of a 1-second search window arrive early.
 */
export class RequestPacer {
  private readonly sent: number[] = [];
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    readonly marginMs = Math.min(2000, Math.ceil(windowMs * 0.04) + 20),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Waits for a token; callers are served first come, first served. Resolves with the
   * milliseconds this caller slept for its token (0 when one was free), so a run can report the
   * time it spent pacing itself.
   */
  take(signal?: AbortSignal): Promise<number> {
    const turn = this.queue.then(() => this.waitForToken(signal));
    // A caller aborted while waiting must not block the others.
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** The server said "not before": every caller of this limit waits until then. */
  pauseFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock() + ms);
  }

  private async waitForToken(signal?: AbortSignal): Promise<number> {
    let slept = 0;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.windowMs - this.marginMs) this.sent.shift();
      let waitMs = Math.max(0, this.blockedUntil - now);
      if (this.sent.length >= this.limit) {
        waitMs = Math.max(waitMs, this.sent[0]! + this.windowMs + this.marginMs - now);
      }
      if (waitMs <= 0) {
        this.sent.push(now);
        return slept;
      }
      await sleep(waitMs, signal);
      slept += waitMs;
    }
  }
}

/** Sleeps, waking early with the signal's reason if it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
