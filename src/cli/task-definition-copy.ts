/**
 * A described task definition turned back into a RegisterTaskDefinition input, with a container's
 * image swapped: how `berth deploy --image` makes its new revision. Pure.
 */
import type { RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { usage } from './args.js';

const REGISTERABLE = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
] as const;

export function withImage(td: TaskDefinition, image: string, container: string | undefined): RegisterTaskDefinitionRequest {
  const defs = td.containerDefinitions ?? [];
  const name = container ?? (defs.length === 1 ? defs[0]!.name : undefined);
  if (name === undefined)
    throw usage(`task definition ${td.family} has ${defs.length} containers: pick one with --container (${defs.map((d) => d.name).join(', ')})`);
  if (!defs.some((d) => d.name === name)) throw usage(`task definition ${td.family} has no container "${name}" (it has ${defs.map((d) => d.name).join(', ')})`);
  const input: Record<string, unknown> = {};
  for (const k of REGISTERABLE) if (td[k] !== undefined) input[k] = td[k];
  input.containerDefinitions = defs.map((d) => (d.name === name ? { ...d, image } : d));
  return input as unknown as RegisterTaskDefinitionRequest;
}
