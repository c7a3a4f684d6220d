/**
 * Container order within one task (ECS `dependsOn`, `startTimeout`), pure: from the task's containers,
 * the ones the runtime shows and `now`, which containers may start now, which never will, and whether
 * the task can no longer start. Shutdown runs the graph backwards: dependents stop before what they
 * depend on. The conditions and the agent's wording follow the ECS agent's dependency graph:
 *
 *   START     the dependency has started (running, or already exited)
 *   COMPLETE  the dependency has exited, with any code
 *   SUCCESS   the dependency has exited 0; exited otherwise: never
 *   HEALTHY   the dependency's health check passed; exited first: never
 *
 * A dependency that started and has not reached COMPLETE, SUCCESS or HEALTHY within its own
 * `startTimeout` (counted from its start, as the ECS agent does) will never reach it. Without a
 * `startTimeout` the wait has no end on the EC2 launch type, as on ECS.
 */
import type { ContainerState } from './runtime/runtime.js';
import type { AssignedContainer, AssignedDependency, AssignedTask } from './control-plane-client.js';

export interface StartOrder {
  /** Containers not started yet whose dependencies are all met: start them now. */
  ready: string[];
  /** Containers not started yet that still wait for a dependency. */
  waiting: string[];
  /** Non-essential containers that can never start (their dependency can never be met): left out. */
  never: { name: string; reason: string }[];
  /** An essential container can never start: the task stops, with this reason. */
  failed?: { name: string; reason: string };
}

type Verdict = { kind: 'met' } | { kind: 'wait' } | { kind: 'never'; reason: string };

const notStarted = (c: ContainerState | undefined): boolean => c === undefined || c.status === 'created';

function verdictOf(
  target: string,
  dep: AssignedDependency,
  depDef: AssignedContainer | undefined,
  observed: ContainerState | undefined,
  depNever: boolean,
  now: number,
): Verdict {
  const d = dep.containerName;
  if (!depDef) return { kind: 'never', reason: `dependency graph: container ordering dependency [${d}] for target [${target}] does not exist.` };
  if (depNever || observed?.status === 'missing') {
    return {
      kind: 'never',
      reason: `dependency graph: failed to resolve container ordering dependency [${d}] for target [${target}] because dependency will never start`,
    };
  }
  if (notStarted(observed)) return { kind: 'wait' };
  const exited = observed!.status === 'exited';
  switch (dep.condition) {
    case 'START':
      return { kind: 'met' };
    case 'COMPLETE':
      if (exited) return { kind: 'met' };
      break;
    case 'SUCCESS':
      if (exited && observed!.exitCode === 0) return { kind: 'met' };
      if (exited) {
        return {
          kind: 'never',
          reason: `dependency graph: failed to resolve container ordering dependency [${d}] for target [${target}] as dependency did not exit successfully.`,
        };
      }
      break;
    case 'HEALTHY':
      if (!exited && observed!.health === 'HEALTHY') return { kind: 'met' };
      if (exited) {
        return {
          kind: 'never',
          reason: `dependency graph: failed to resolve container ordering dependency [${d}] for target [${target}] as dependency exited before it was HEALTHY.`,
        };
      }
      break;
  }
  const timeout = depDef.startTimeoutS;
  if (timeout !== undefined && timeout > 0 && observed!.startedAt !== undefined && now >= observed!.startedAt + timeout * 1000) {
    return { kind: 'never', reason: `dependency graph: container ordering dependency [${d}] for target [${target}] has timed out.` };
  }
  return { kind: 'wait' };
}

export function startOrder(task: AssignedTask, observed: ReadonlyMap<string, ContainerState>, now: number): StartOrder {
  const defs = new Map(task.containers.map((c) => [c.name, c]));
  const out: StartOrder = { ready: [], waiting: [], never: [] };
  const never = new Map<string, string>();
  // Containers are visited in dependency order (RegisterTaskDefinition refuses cycles), so a
  // container that can never start is known before anything that depends on it.
  for (const c of topological(task.containers)) {
    if (!notStarted(observed.get(c.name))) continue;
    let blocked = false;
    let reason: string | undefined;
    for (const dep of c.dependsOn ?? []) {
      const v = verdictOf(c.name, dep, defs.get(dep.containerName), observed.get(dep.containerName), never.has(dep.containerName), now);
      if (v.kind === 'never') {
        reason = v.reason;
        break;
      }
      if (v.kind === 'wait') blocked = true;
    }
    if (reason !== undefined) {
      never.set(c.name, reason);
      if (c.essential) {
        out.failed ??= { name: c.name, reason };
      } else out.never.push({ name: c.name, reason });
    } else if (blocked) out.waiting.push(c.name);
    else out.ready.push(c.name);
  }
  return out;
}

/** The containers in an order where each comes after everything it depends on (unknown names ignored, a cycle broken where met). */
export function topological(containers: readonly AssignedContainer[]): AssignedContainer[] {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: AssignedContainer[] = [];
  const visit = (c: AssignedContainer) => {
    if (done.has(c.name) || visiting.has(c.name)) return;
    visiting.add(c.name);
    for (const d of c.dependsOn ?? []) {
      const dep = byName.get(d.containerName);
      if (dep) visit(dep);
    }
    visiting.delete(c.name);
    done.add(c.name);
    out.push(c);
  };
  for (const c of containers) visit(c);
  return out;
}

/**
 * Shutdown waves: each wave's containers stop together, after every container that depends on them
 * has stopped (ECS reverses the start order on the way down). Containers without dependencies
 * either way are all in the first wave.
 */
export function stopWaves(containers: readonly AssignedContainer[]): string[][] {
  const dependents = new Map<string, string[]>(containers.map((c) => [c.name, []]));
  for (const c of containers) for (const d of c.dependsOn ?? []) dependents.get(d.containerName)?.push(c.name);
  const wave = new Map<string, number>();
  const waveOf = (name: string, seen: ReadonlySet<string>): number => {
    const known = wave.get(name);
    if (known !== undefined) return known;
    let w = 0;
    for (const x of dependents.get(name) ?? []) if (!seen.has(x)) w = Math.max(w, waveOf(x, new Set([...seen, name])) + 1);
    wave.set(name, w);
    return w;
  };
  const waves: string[][] = [];
  for (const c of containers) (waves[waveOf(c.name, new Set([c.name]))] ??= []).push(c.name);
  return waves.filter((w) => w !== undefined);
}
