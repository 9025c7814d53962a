import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestPacer } from '#src/connectors/shared/request-pacer.ts';

// Pacing is about time, so the tests own the clock: fake timers and a pacer that reads Date.now(),
// which they fake too. The verdict is the same on an idle or a saturated machine.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const fakeClock = () => Date.now();

describe('RequestPacer', () => {
  it('answers at once, having slept 0 ms, while a token is free', async () => {
    const pacer = new RequestPacer('test', 2, 1000, 0, fakeClock);
    expect(await pacer.take()).toBe(0);
    expect(await pacer.take()).toBe(0);
  });

  it('never lets more than the limit through in any window, even from a full start', async () => {
    // Prepare
    const pacer = new RequestPacer('test', 4, 150, 5, fakeClock);
    const times: number[] = [];
    // Act
    const all = Promise.all(
      Array.from({ length: 10 }, async () => {
        await pacer.take();
        times.push(Date.now());
      }),
    );
    await vi.runAllTimersAsync();
    await all;
    // Assess: for every request, fewer than `limit` others follow it within one window.
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i += 1) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 150).length;
      expect(inWindow).toBeLessThanOrEqual(4);
    }
    expect(times).toHaveLength(10);
    // ...and it still reaches the full rate: 10 requests at 4 per window (+ margin) need 2 windows.
    expect(times.at(-1)! - times[0]!).toBe(2 * (150 + 5));
  });

  it('holds every caller while the server asked to pause', async () => {
    // Prepare
    const pacer = new RequestPacer('test', 100, 1000, undefined, fakeClock);
    const start = Date.now();
    let released: number | undefined;
    // Act
    pacer.pauseFor(120);
    const taken = pacer.take().then((sleptMs) => {
      released = Date.now();
      return sleptMs;
    });
    await vi.advanceTimersByTimeAsync(119);
    // Assess: still held one millisecond before the pause ends, released at its end.
    expect(released).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await taken).toBe(120);
    expect(released! - start).toBe(120);
  });

  it('lets an aborted caller go without blocking the ones behind it', async () => {
    // Prepare: a full window, so both callers wait.
    const pacer = new RequestPacer('test', 1, 1000, 0, fakeClock);
    await pacer.take();
    const controller = new AbortController();
    // Act
    const first = pacer.take(controller.signal);
    const second = pacer.take();
    controller.abort(new Error('stop'));
    // Assess
    await expect(first).rejects.toThrow('stop');
    await vi.advanceTimersByTimeAsync(1000);
    await expect(second).resolves.toBe(1000);
  });
});
