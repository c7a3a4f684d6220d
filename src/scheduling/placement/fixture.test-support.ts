/** Builders for placement unit tests: plain candidates, no store. */
import type { Reservation } from '../../domain/ecs/records.js';
import type { PlacementCandidate } from './candidate.js';

export interface CandidateSpec {
  cpu?: number;
  memory?: number;
  ports?: number[];
  /** Dynamic host ports left in the agent range (default: no range named, unlimited). */
  dynamicPorts?: number;
  status?: string;
  agentConnected?: boolean;
  attributes?: Record<string, string | undefined>;
  groups?: Record<string, number>;
  runningTasksCount?: number;
  registeredAt?: number;
}

export function candidate(name: string, spec: CandidateSpec = {}): PlacementCandidate {
  return {
    arn: `arn:aws:ecs:us-east-1:000000000000:container-instance/c/${name}`,
    id: name,
    ec2InstanceId: `i-${name}`,
    status: spec.status ?? 'ACTIVE',
    agentConnected: spec.agentConnected ?? true,
    attributes: new Map(Object.entries(spec.attributes ?? {})),
    capacity: {
      cpu: spec.cpu ?? 1024,
      memory: spec.memory ?? 1024,
      ports: new Set([22, ...(spec.ports ?? [])]),
      portsUdp: new Set(),
      dynamicPorts: spec.dynamicPorts ?? Infinity,
    },
    groupCounts: new Map(Object.entries(spec.groups ?? {})),
    registeredAt: spec.registeredAt ?? 1_700_000_000,
    runningTasksCount: spec.runningTasksCount ?? 0,
  };
}

export const reservation = (cpu: number, memory: number, ports: number[] = []): Reservation => ({ cpu, memory, ports, portsUdp: [] });

/** The instance name (last ARN segment) of each placement. */
export const names = (arns: readonly string[]): string[] => arns.map((a) => a.split('/').pop()!);

export const tally = (arns: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const n of names(arns)) out[n] = (out[n] ?? 0) + 1;
  return out;
};
