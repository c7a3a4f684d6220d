/**
 * Who this host is to the control plane: an EC2-style instance id kept in the state dir (so a
 * restarted agent is the same container instance), and what it registers: resources and attributes.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Random } from '../platform/random.js';
import type { ResourceAmount } from './control-plane-client.js';

/** ECS_RESERVED_PORTS' default: ssh, the Docker API (plain and TLS), the ECS agent's introspection ports. */
export const DEFAULT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679] as const;
export const DEFAULT_MEMORY_RESERVE_MIB = 256;

const INSTANCE_ID = /^i-[0-9a-f]{17}$/;

export async function loadOrCreateInstanceId(stateDir: string, random: Random): Promise<string> {
  const path = join(stateDir, 'instance-id');
  const existing = await readFile(path, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  );
  if (existing && INSTANCE_ID.test(existing)) return existing;
  await mkdir(stateDir, { recursive: true });
  const id = `i-${random.hex(9).slice(0, 17)}`;
  // Write then rename: a crash mid-write must not leave half an id that the next start would replace.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${id}\n`);
  await rename(tmp, path);
  return id;
}

export interface HostFacts {
  cpuCount: number;
  totalMemoryBytes: number;
}

/** registeredResources as the ECS agent sends them. Pure. */
export function hostResources(
  host: HostFacts,
  options: { memoryReserveMiB?: number; reservedPorts?: readonly number[]; reservedPortsUdp?: readonly number[] } = {},
): ResourceAmount[] {
  const memoryMiB = Math.floor(host.totalMemoryBytes / (1024 * 1024)) - (options.memoryReserveMiB ?? DEFAULT_MEMORY_RESERVE_MIB);
  const ports = options.reservedPorts ?? DEFAULT_RESERVED_PORTS;
  return [
    { name: 'CPU', type: 'INTEGER', integerValue: 1024 * Math.max(1, host.cpuCount) },
    { name: 'MEMORY', type: 'INTEGER', integerValue: Math.max(0, memoryMiB) },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: [...new Set(ports)].sort((a, b) => a - b).map(String) },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [...new Set(options.reservedPortsUdp ?? [])].sort((a, b) => a - b).map(String) },
  ];
}

/** ecs.os-type and friends, then the operator's own (which may override none of the ecs.* ones). */
export function instanceAttributes(
  facts: { osType: string; cpuArchitecture: string; availabilityZone: string },
  custom: Record<string, string> = {},
): { name: string; value: string }[] {
  const ecs = {
    'ecs.os-type': facts.osType,
    'ecs.cpu-architecture': facts.cpuArchitecture,
    'ecs.availability-zone': facts.availabilityZone,
  };
  const extra = Object.entries(custom).filter(([k]) => !(k in ecs));
  return [...Object.entries(ecs), ...extra].map(([name, value]) => ({ name, value }));
}
