/**
 * The candidates of one pass that places many tasks: built once from the cluster's instances and
 * tasks, then kept in step as the pass places more. `add(task)` files a new task under its instance;
 * `candidates()` recomputes only the instances that got one (candidateOf over that instance's tasks),
 * so placing in slices costs the touched instances, not the whole cluster, and every candidate is
 * exactly what candidatesOf over everything would give (a property test checks it).
 */
import { candidateOf, type PlacementCandidate } from './candidate.js';

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

  /** A task placed since: its instance's candidate is recomputed on the next `candidates()`. */
  add(task: TaskFields): void {
    this.file(task);
    const n = this.indexOf.get(task.containerInstanceId);
    if (n !== undefined) this.dirty.add(n);
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
