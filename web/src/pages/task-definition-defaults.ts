/**
 * The task-definition form's defaults, for the runtime the cluster's container instances run (their
 * agents report it as versionInfo.agentHash `berth-docker` or `berth-process`): under Docker the local
 * busybox httpd image the demo builds, under the process runtime the sample app run by node.
 */
export type RuntimeKind = 'docker' | 'process';

export interface ContainerDefaults {
  readonly image: string;
  readonly entryPoint: string;
  readonly containerPort: string;
}

export const DEFAULTS: Record<RuntimeKind, ContainerDefaults> = {
  docker: { image: 'berth-test/busybox', entryPoint: '', containerPort: '80' },
  // Relative to the directory Berth runs in: the checkout, for `npm start`.
  process: { image: 'sample-app', entryPoint: 'node examples/sample-app/server.js', containerPort: '8080' },
};

/** The runtime most of the instances report; undefined when none says. */
export function runtimeOfInstances(instances: readonly { versionInfo?: { agentHash?: string } }[]): RuntimeKind | undefined {
  const kinds = instances.map((i) => /^berth-(docker|process)$/.exec(i.versionInfo?.agentHash ?? '')?.[1] as RuntimeKind | undefined).filter(Boolean);
  if (!kinds.length) return undefined;
  return kinds.filter((k) => k === 'docker').length >= kinds.length / 2 ? 'docker' : 'process';
}
