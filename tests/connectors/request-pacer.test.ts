import { describe, expect, it } from 'vitest';
import { RequestPacer } from '#src/connectors/shared/request-pacer.ts';

describe('RequestPacer', () => {
  it('never lets more than the limit through in any window, even from a full start', async () => {
    // Prepare
    const pacer = new RequestPacer('test', 4, 150, 5);
    const times: number[] = [];
    // Act
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        await pacer.take();
        times.push(performance.now());
      }),
    );
    // Assess: for every request, fewer than `limit` others follow it within one window.
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i += 1) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 150).length;
      expect(inWindow).toBeLessThanOrEqual(4);
    }
    expect(times).toHaveLength(10);
  });

  it('holds every caller while the server asked to pause', async () => {
    const pacer = new RequestPacer('test', 100, 1000);
    const start = performance.now();
    pacer.pauseFor(120);
    await pacer.take();
    expect(performance.now() - start).toBeGreaterThanOrEqual(115);
  });
});
