/**
 * What a task reserves on its container instance, what an instance has left, and whether a task
 * fits. Pure. Remaining resources are always derived from the tasks placed on the instance (level,
 * not edge bookkeeping), so a lost event can never make them drift.
 */
import { taskCpuUnits, taskMemoryMiB } from './task-definition.js';
import { dynamicRangeOf } from './dynamic-port-range.js';
import type { ContainerInstanceRecord, Reservation, Resource, TaskDefinitionRecord, TaskOverrides, TaskRecord } from './records.js';

export type { ContainerOverride, TaskOverrides } from './records.js';

/** CPU units, MiB and static host ports the task holds on its instance. */
export function reservationOf(td: TaskDefinitionRecord, overrides: TaskOverrides = {}): Reservation {
  const byName = new Map((overrides.containerOverrides ?? []).map((o) => [o.name, o]));
  let cpu = 0;
  let memory = 0;
  const ports: number[] = [];
  const portsUdp: number[] = [];
  let dynamicPorts = 0;
  for (const c of td.containerDefinitions) {
    const o = byName.get(c.name);
    cpu += o?.cpu ?? c.cpu ?? 0;
    memory += o?.memoryReservation ?? o?.memory ?? c.memoryReservation ?? c.memory ?? 0;
    if (td.networkMode === 'awsvpc' || td.networkMode === 'none') continue;
    for (const p of c.portMappings ?? []) {
      const host = td.networkMode === 'host' ? p.hostPort || p.containerPort : p.hostPort;
      if (!host) {
        // hostPort 0 or omitted in bridge mode: dynamic, chosen by the agent from its range.
        if (p.containerPort !== undefined) dynamicPorts++;
        continue;
      }
      (p.protocol === 'udp' ? portsUdp : ports).push(host);
    }
  }
  const taskCpu = overrides.cpu ?? td.cpu;
  const taskMemory = overrides.memory ?? td.memory;
  if (taskCpu !== undefined && taskCpu !== '') cpu = taskCpuUnits(taskCpu) || cpu;
  if (taskMemory !== undefined && taskMemory !== '') memory = taskMemoryMiB(taskMemory) || memory;
  return { cpu: atLeastZero(cpu), memory: atLeastZero(memory), ports, portsUdp, ...(dynamicPorts > 0 ? { dynamicPorts } : {}) };
}

/** Whether a task holds its reservation: until it is STOPPED. */
export function holdsReservation(task: Pick<TaskRecord, 'lastStatus'>): boolean {
  return task.lastStatus !== 'STOPPED' && task.lastStatus !== 'DELETED';
}

export interface Capacity {
  cpu: number;
  memory: number;
  ports: Set<number>;
  portsUdp: Set<number>;
  /**
   * Dynamic host ports still free in the agent's range (its `berth.dynamic-port-range` attribute),
   * less reserved and held static ports in it; Infinity when the instance names no range.
   */
  dynamicPorts: number;
}

function integer(resources: Resource[], name: string): number {
  const r = resources.find((x) => x.name === name);
  return r?.integerValue ?? r?.longValue ?? r?.doubleValue ?? 0;
}
function stringSet(resources: Resource[], name: string): number[] {
  return (resources.find((x) => x.name === name)?.stringSetValue ?? []).map(Number).filter(Number.isFinite);
}

/** Registered minus what the given tasks hold (only those still holding a reservation count). */
export function capacityOf(
  instance: Pick<ContainerInstanceRecord, 'registeredResources'> & { attributes?: ContainerInstanceRecord['attributes'] },
  tasks: readonly Pick<TaskRecord, 'lastStatus' | 'reservation'>[],
): Capacity {
  const reg = instance.registeredResources;
  const cap: Capacity = {
    cpu: integer(reg, 'CPU'),
    memory: integer(reg, 'MEMORY'),
    ports: new Set(stringSet(reg, 'PORTS')),
    portsUdp: new Set(stringSet(reg, 'PORTS_UDP')),
    dynamicPorts: Infinity,
  };
  for (const t of tasks) if (holdsReservation(t)) take(cap, t.reservation);
  const range = dynamicRangeOf(instance.attributes);
  if (range) {
    // Static ports (reserved or held) inside the range are ports the agent cannot hand out.
    const taken = new Set([...cap.ports, ...cap.portsUdp].filter((p) => p >= range.low && p <= range.high));
    cap.dynamicPorts = Math.max(0, range.high - range.low + 1 - taken.size) - usedDynamic(tasks);
  }
  return cap;
}

function usedDynamic(tasks: readonly Pick<TaskRecord, 'lastStatus' | 'reservation'>[]): number {
  let n = 0;
  for (const t of tasks) if (holdsReservation(t)) n += atLeastZero(t.reservation.dynamicPorts ?? 0);
  return n;
}

/**
 * A usage is never negative, whatever a record holds (one written before validation refused
 * negative sizes, say): a task can only take capacity away, so remaining never exceeds registered.
 */
const atLeastZero = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/** Mutates `cap` to account for one more reservation. */
function take(cap: Capacity, r: Reservation): void {
  cap.cpu -= atLeastZero(r.cpu);
  cap.memory -= atLeastZero(r.memory);
  for (const p of r.ports) cap.ports.add(p);
  for (const p of r.portsUdp) cap.portsUdp.add(p);
}

/** remainingResources as DescribeContainerInstances shows them (same names and order as registered). */
export function remainingResources(instance: Pick<ContainerInstanceRecord, 'registeredResources'>, cap: Capacity): Resource[] {
  return instance.registeredResources.map((r): Resource => {
    switch (r.name) {
      // Shown within [0, registered]: over-commitment (registered resources that shrank) reads as none left.
      case 'CPU':
        return { ...r, integerValue: Math.max(0, Math.min(cap.cpu, integer([r], 'CPU'))) };
      case 'MEMORY':
        return { ...r, integerValue: Math.max(0, Math.min(cap.memory, integer([r], 'MEMORY'))) };
      case 'PORTS':
        return { ...r, stringSetValue: [...cap.ports].sort((a, b) => a - b).map(String) };
      case 'PORTS_UDP':
        return { ...r, stringSetValue: [...cap.portsUdp].sort((a, b) => a - b).map(String) };
      default:
        return { ...r };
    }
  });
}
