/**
 * The candidates of one pass that places many tasks: built once from the cluster's instances and
 * tasks, then kept in step as the pass places more. `add(task)` files a new task under its instance;
 * `candidates()` recomputes only the instances that got one (candidateOf over that instance's tasks),
 * so placing in slices costs the touched instances, not the whole cluster, and every candidate is
 * exactly what candidatesOf over everything would give (a property test checks it).
 */
import { candidateOf, type PlacementCandidate } from './candidate.js';
import { holdsReservation } from '../../domain/ecs/resources.js';

/** As resources.ts counts a usage: never negative. */
const atLeastZero = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

type InstanceFields = Parameters<typeof candidateOf>[0];
type TaskFields = Parameters<typeof candidateOf>[1][number];

export class CandidatePool {
  private readonly byInstance = new Map<string, TaskFields[]>();
  private readonly current: PlacementCandidate[];
  private readonly indexOf = new Map<string, number>();
  private readonly dirty = new Set<number>();

  constructor(
    private readonly instances: readonly InstanceFields[],
    tasks: readonly TaskFields[],
  ) {
    for (const t of tasks) this.file(t);
    this.current = instances.map((i, n) => {
      this.indexOf.set(i.id, n);
      return candidateOf(i, this.byInstance.get(i.id) ?? []);
    });
  }

  /**
   * A task placed since. One that holds no static port changes its instance's candidate by its own
   * reservation alone, so the candidate is updated from the last one (no walk over the instance's
   * tasks, no new attribute map); any other is recomputed on the next `candidates()`.
   */
  add(task: TaskFields): void {
    this.file(task);
    const n = this.indexOf.get(task.containerInstanceId);
    if (n === undefined) return;
    const r = task.reservation;
    if (this.dirty.has(n) || r.ports.length > 0 || r.portsUdp.length > 0) {
      this.dirty.add(n);
      return;
    }
    if (!holdsReservation(task)) return;
    const c = this.current[n]!;
    const groupCounts = new Map(c.groupCounts);
    if (task.desiredStatus === 'RUNNING') groupCounts.set(task.group, (groupCounts.get(task.group) ?? 0) + 1);
    this.current[n] = {
      ...c,
      // As capacityOf's take and its dynamic-port count: only the task's own sizes change.
      capacity: {
        ...c.capacity,
        cpu: c.capacity.cpu - atLeastZero(r.cpu),
        memory: c.capacity.memory - atLeastZero(r.memory),
        dynamicPorts: c.capacity.dynamicPorts - atLeastZero(r.dynamicPorts ?? 0),
      },
      groupCounts,
      runningTasksCount: c.runningTasksCount + (task.lastStatus === 'RUNNING' ? 1 : 0),
    };
  }

  /** One candidate per instance, in the instances' order. The array is fresh; candidates are shared. */
  candidates(): PlacementCandidate[] {
    for (const n of this.dirty) {
      const i = this.instances[n]!;
      this.current[n] = candidateOf(i, this.byInstance.get(i.id) ?? []);
    }
    this.dirty.clear();
    return this.current.slice();
  }

  private file(t: TaskFields): void {
    let list = this.byInstance.get(t.containerInstanceId);
    if (!list) this.byInstance.set(t.containerInstanceId, (list = []));
    list.push(t);
  }
}
