/** The world's "now": nothing after it is visible through the APIs. Tests move it on purpose. */
export class WorldClock {
  private ms: number;

  constructor(start: Date | number) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  nowMs(): number {
    return this.ms;
  }

  /** Whole unix seconds, the resolution of the ticket desk. */
  nowSeconds(): number {
    return Math.floor(this.ms / 1000);
  }

  advance(ms: number): Date {
    if (!(ms >= 0))
      throw new RangeError(
        `clock.advance(${ms}): the world clock only moves forward; pass a positive number of milliseconds`,
      );
    this.ms += ms;
    return this.now();
  }

  set(date: Date | string | number): Date {
    const ms = new Date(date).getTime();
    if (Number.isNaN(ms))
      throw new RangeError(`clock.set(${String(date)}): not a valid date; pass a Date or an ISO-8601 string`);
    this.ms = ms;
    return this.now();
  }
}
