/**
 * The mutable working copy placement decides on: capacities and group counts in flat typed arrays,
 * so checking a candidate costs a few array reads and no allocation. Port sets are copied only when
 * a task with static ports is placed on the instance (copy on write); the given candidates are never
 * mutated.
 */
import type { Reservation } from '../../domain/ecs/records.js';
import type { PlacementCandidate } from './candidate.js';

export class WorkingSet {
  readonly n: number;
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  /** Dynamic host ports left (Infinity where the instance names no range). */
  readonly dynamicPorts: Float64Array;
  /** Tasks of the request's group on each instance. */
  readonly groupCount: Int32Array;
  private readonly ports: ReadonlySet<number>[];
  private readonly portsUdp: ReadonlySet<number>[];
  private readonly ownsPorts: Uint8Array;

  constructor(
    readonly candidates: readonly PlacementCandidate[],
    group: string,
  ) {
    const n = (this.n = candidates.length);
    this.cpu = new Float64Array(n);
    this.memory = new Float64Array(n);
    this.dynamicPorts = new Float64Array(n);
    this.groupCount = new Int32Array(n);
    this.ports = new Array<ReadonlySet<number>>(n);
    this.portsUdp = new Array<ReadonlySet<number>>(n);
    this.ownsPorts = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      this.cpu[i] = c.capacity.cpu;
      this.memory[i] = c.capacity.memory;
      this.dynamicPorts[i] = c.capacity.dynamicPorts;
      this.groupCount[i] = c.groupCounts.get(group) ?? 0;
      this.ports[i] = c.capacity.ports;
      this.portsUdp[i] = c.capacity.portsUdp;
    }
  }

  /** Whether one of the reservation's static ports is already held on instance `i`, or its dynamic range is short. */
  portClash(i: number, r: Reservation): boolean {
    if (r.dynamicPorts !== undefined && r.dynamicPorts > this.dynamicPorts[i]!) return true;
    const tcp = this.ports[i]!;
    for (const p of r.ports) if (tcp.has(p)) return true;
    const udp = this.portsUdp[i]!;
    for (const p of r.portsUdp) if (udp.has(p)) return true;
    return false;
  }

  /** Accounts for one more task of the group on instance `i`. */
  take(i: number, r: Reservation): void {
    // Never a negative usage (a record from before sizes were validated): capacity only goes down.
    this.cpu[i] -= Math.max(0, r.cpu);
    this.memory[i] -= Math.max(0, r.memory);
    this.groupCount[i]! += 1;
    if (r.dynamicPorts !== undefined) this.dynamicPorts[i]! -= Math.max(0, r.dynamicPorts);
    if (r.ports.length === 0 && r.portsUdp.length === 0) return;
    if (!this.ownsPorts[i]) {
      this.ports[i] = new Set(this.ports[i]);
      this.portsUdp[i] = new Set(this.portsUdp[i]);
      this.ownsPorts[i] = 1;
    }
    for (const p of r.ports) (this.ports[i] as Set<number>).add(p);
    for (const p of r.portsUdp) (this.portsUdp[i] as Set<number>).add(p);
  }
}
