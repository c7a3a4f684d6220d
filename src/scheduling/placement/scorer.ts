/**
 * Strategies as scorers over the working set: lower is better. binpack scores the remaining amount
 * (least left that still fits wins); spread scores how many of the group's tasks already sit on the
 * instance, or on its attribute value; random scores nothing and ends the list (what it leaves tied is
 * broken at random anyway, so any strategy after it could never matter).
 */
import type { PlacementCandidate } from './candidate.js';
import type { PlacementStrategy } from './strategy.js';
import type { WorkingSet } from './working-set.js';

const enum Kind {
  BinpackCpu,
  BinpackMemory,
  SpreadInstance,
  SpreadValue,
}

/** For spread over an attribute: each candidate's value as a small integer, and counts per value. */
export interface ValueIndex {
  readonly valueOf: Int32Array;
  readonly counts: Float64Array;
  readonly values: (string | undefined)[];
}

/** Candidates without the attribute share one value (undefined): they are balanced against the others. */
export function valueIndex(candidates: readonly PlacementCandidate[], attribute: string, countOf: (i: number) => number): ValueIndex {
  const ids = new Map<string | undefined, number>();
  const valueOf = new Int32Array(candidates.length);
  const values: (string | undefined)[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i]!.attributes.get(attribute);
    let id = ids.get(v);
    if (id === undefined) {
      ids.set(v, (id = values.length));
      values.push(v);
    }
    valueOf[i] = id;
  }
  const counts = new Float64Array(values.length);
  for (let i = 0; i < candidates.length; i++) counts[valueOf[i]!]! += countOf(i);
  return { valueOf, counts, values };
}

export class Scorer {
  readonly size: number;
  private readonly kinds: Kind[] = [];
  private readonly indexes: (ValueIndex | undefined)[] = [];

  constructor(
    strategies: readonly PlacementStrategy[],
    private readonly ws: WorkingSet,
    private readonly sign = 1,
  ) {
    for (const s of strategies) {
      if (s.type === 'random') break;
      if (s.type === 'binpack') {
        this.kinds.push(s.field === 'cpu' ? Kind.BinpackCpu : Kind.BinpackMemory);
        this.indexes.push(undefined);
      } else if (s.field === 'instanceId' || s.field === 'host') {
        this.kinds.push(Kind.SpreadInstance);
        this.indexes.push(undefined);
      } else {
        this.kinds.push(Kind.SpreadValue);
        this.indexes.push(valueIndex(ws.candidates, s.field.slice('attribute:'.length), (i) => ws.groupCount[i]!));
      }
    }
    this.size = this.kinds.length;
  }

  isBinpack(s: number): boolean {
    return this.kinds[s] === Kind.BinpackCpu || this.kinds[s] === Kind.BinpackMemory;
  }

  /** The amount of a binpack strategy's resource that `r` holds, in score units. */
  binpackAmount(s: number, r: { cpu: number; memory: number }): number {
    return this.sign * (this.kinds[s] === Kind.BinpackCpu ? r.cpu : r.memory);
  }

  /** Strategy `s`'s score of instance `i` (lower wins; `sign` -1 turns it into "higher wins"). */
  score(s: number, i: number): number {
    const ws = this.ws;
    switch (this.kinds[s]!) {
      case Kind.BinpackCpu:
        return this.sign * ws.cpu[i]!;
      case Kind.BinpackMemory:
        return this.sign * ws.memory[i]!;
      case Kind.SpreadInstance:
        return this.sign * ws.groupCount[i]!;
      case Kind.SpreadValue: {
        const x = this.indexes[s]!;
        return this.sign * x.counts[x.valueOf[i]!]!;
      }
    }
  }

  /** Keeps per-value counts in step after a task of the group lands on (+1) or leaves (-1) instance `i`. */
  moved(i: number, delta: number): void {
    for (const x of this.indexes) if (x) x.counts[x.valueOf[i]!]! += delta;
  }
}
