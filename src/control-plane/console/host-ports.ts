/**
 * Host ports of one container instance as the console shows them: every port a live task holds
 * (static and dynamic), the dynamic range its agent reported, and how many of that range are free.
 * Pure, over the ECS API shapes the console already reads.
 */

import { DYNAMIC_RANGE_ATTRIBUTE } from '../../protocols/agent/index.js';

export interface HostPortUsage {
  /** Sorted host ports held by tasks on the instance that are not STOPPED. */
  readonly inUse: number[];
  readonly dynamicRange?: { readonly low: number; readonly high: number };
  /** Ports of the dynamic range held by no live task (reserved ones count as held). */
  readonly dynamicFree?: number;
}

interface InstanceShape {
  readonly containerInstanceArn?: string;
  readonly attributes?: ReadonlyArray<{ name?: string; value?: string }>;
  readonly registeredResources?: ReadonlyArray<{ name?: string; stringSetValue?: readonly string[] }>;
}

interface TaskShape {
  readonly containerInstanceArn?: string;
  readonly lastStatus?: string;
  readonly containers?: ReadonlyArray<{ networkBindings?: ReadonlyArray<{ hostPort?: number }> }>;
}

export function hostPortUsage(instance: InstanceShape, tasks: readonly TaskShape[]): HostPortUsage {
  const inUse = new Set<number>();
  for (const t of tasks) {
    if (t.containerInstanceArn !== instance.containerInstanceArn || t.lastStatus === 'STOPPED') continue;
    for (const c of t.containers ?? []) for (const b of c.networkBindings ?? []) if (b.hostPort) inUse.add(b.hostPort);
  }
  const ports = [...inUse].sort((a, b) => a - b);
  const m = /^(\d+)-(\d+)$/.exec(instance.attributes?.find((a) => a.name === DYNAMIC_RANGE_ATTRIBUTE)?.value ?? '');
  if (!m) return { inUse: ports };
  const range = { low: Number(m[1]), high: Number(m[2]) };
  const reserved = (instance.registeredResources?.find((r) => r.name === 'PORTS')?.stringSetValue ?? []).map(Number);
  const held = new Set([...ports, ...reserved].filter((p) => p >= range.low && p <= range.high));
  return { inUse: ports, dynamicRange: range, dynamicFree: range.high - range.low + 1 - held.size };
}
