/** A container instance record as an agent would register it (4096 CPU, 8192 MiB), for the placement benches: no agent runs behind it. */
import type { ContainerInstanceRecord } from '../src/domain/ecs/records.js';
import type { Random } from '../src/platform/random.js';

export function simulatedInstance(cluster: string, i: number, random: Random): ContainerInstanceRecord {
  const id = random.hex(16);
  return {
    containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/${cluster}/${id}`,
    ec2InstanceId: `i-${random.hex(9).slice(0, 17)}`,
    version: 1,
    versionInfo: { agentVersion: 'berth-bench' },
    registeredResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
    ],
    status: 'ACTIVE',
    agentConnected: true,
    attributes: [{ name: 'ecs.availability-zone', value: `us-east-1${'abc'[i % 3]}` }],
    registeredAt: 1_700_000_000,
    id,
    clusterName: cluster,
    placementVersion: 0,
  };
}
