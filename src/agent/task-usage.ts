/**
 * A task's resource use from two readings of each of its containers: CPU is the CPU time used between
 * them over the time between them, in ECS's units (1024 per core busy the whole while); memory is what
 * the containers hold at the later reading. Pure: readings in, samples out.
 */
import type { ResourceUsage } from './runtime/runtime.js';
import type { TaskUsageSample } from './control-plane-client.js';

export const CPU_UNITS_PER_CORE = 1024;
const MIB = 1024 * 1024;

/** Units used between two readings of one container; undefined when they give no rate (same instant, or a counter that went back: a new container). */
export function cpuUnitsBetween(prev: ResourceUsage, cur: ResourceUsage): number | undefined {
  const elapsedNs = (cur.at - prev.at) * 1e6;
  const usedNs = cur.cpuNs - prev.cpuNs;
  if (!(elapsedNs > 0) || usedNs < 0) return undefined;
  return (usedNs / elapsedNs) * CPU_UNITS_PER_CORE;
}

export interface ContainerReading {
  readonly taskArn: string;
  readonly runtimeId: string;
  readonly usage: ResourceUsage;
}

/**
 * One sample per task whose every running container has a rate against its previous reading (a
 * container read for the first time gives none, and a task short of one would look idler than it is).
 */
export function taskUsageSamples(at: number, readings: readonly ContainerReading[], previous: ReadonlyMap<string, ResourceUsage>): TaskUsageSample[] {
  const byTask = new Map<string, { cpu: number; memoryBytes: number; complete: boolean }>();
  for (const r of readings) {
    const t = byTask.get(r.taskArn) ?? { cpu: 0, memoryBytes: 0, complete: true };
    const before = previous.get(r.runtimeId);
    const units = before ? cpuUnitsBetween(before, r.usage) : undefined;
    if (units === undefined) t.complete = false;
    else t.cpu += units;
    t.memoryBytes += r.usage.memoryBytes;
    byTask.set(r.taskArn, t);
  }
  return [...byTask].filter(([, t]) => t.complete).map(([taskArn, t]) => ({ taskArn, at, cpuUnits: round3(t.cpu), memoryMiB: round3(t.memoryBytes / MIB) }));
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
