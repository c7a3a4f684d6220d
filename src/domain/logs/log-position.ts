/**
 * Where a line sits in a container's output: the epoch millisecond it was written and its index among
 * the lines of that millisecond. Runtimes replay a container's output in order from a `since`, so the
 * same line has the same position on every read: the agent's cursor and the store's high-water mark.
 */
export interface LogPosition {
  readonly t: number;
  readonly k: number;
}

export const comparePositions = (a: LogPosition, b: LogPosition): number => a.t - b.t || a.k - b.k;

/** Numbers the lines of one read: `next(time)` is the line's position, given the lines before it in the read. */
export class PositionCounter {
  private t = -Infinity;
  private k = 0;
  next(time: number): LogPosition {
    // A line stamped no later than the one before shares its millisecond, so positions only grow.
    if (time > this.t) {
      this.t = time;
      this.k = 0;
    } else {
      this.k++;
    }
    return { t: this.t, k: this.k };
  }
}
