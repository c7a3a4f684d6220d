/**
 * The milestones of a process's start, in ms since the process began (Node's time origin): what a
 * restarted load-balancer node's "serving within 2 s" is made of, logged so an operator (and the
 * bench) sees which phase took the time. The first mark of a phase stands; later ones are ignored.
 */
export class StartUpTimeline {
  private readonly marks = new Map<string, number>();

  constructor(private readonly sinceStart: () => number = () => performance.now()) {}

  mark(phase: string): void {
    if (!this.marks.has(phase)) this.marks.set(phase, Math.round(this.sinceStart()));
  }

  has(phase: string): boolean {
    return this.marks.has(phase);
  }

  /** Phase → ms since the process began, in the order they happened. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.marks);
  }
}
