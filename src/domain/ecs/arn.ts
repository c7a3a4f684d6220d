/**
 * ECS ARNs, long format: arn:aws:ecs:{region}:{account}:{kind}/{...}. Inputs accept a name, an id or
 * an ARN; these functions turn either into the parts the store keys need.
 */

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

const prefix = (s: ArnScope) => `arn:aws:ecs:${s.region}:${s.accountId}`;

export const ecsArn = {
  cluster: (s: ArnScope, name: string) => `${prefix(s)}:cluster/${name}`,
  taskDefinition: (s: ArnScope, family: string, revision: number) => `${prefix(s)}:task-definition/${family}:${revision}`,
  service: (s: ArnScope, cluster: string, name: string) => `${prefix(s)}:service/${cluster}/${name}`,
  task: (s: ArnScope, cluster: string, id: string) => `${prefix(s)}:task/${cluster}/${id}`,
  containerInstance: (s: ArnScope, cluster: string, id: string) => `${prefix(s)}:container-instance/${cluster}/${id}`,
  container: (s: ArnScope, cluster: string, taskId: string, uuid: string) => `${prefix(s)}:container/${cluster}/${taskId}/${uuid}`,
};

export type ParsedArn =
  | { kind: 'cluster'; cluster: string }
  | { kind: 'task-definition'; family: string; revision: number }
  | { kind: 'service'; cluster?: string; name: string }
  | { kind: 'task'; cluster?: string; id: string }
  | { kind: 'container-instance'; cluster?: string; id: string };

const ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]*:\d*:([a-z-]+)\/(.+)$/;

/** Parses an ECS ARN (long or old short format); undefined when it is not one. */
export function parseEcsArn(arn: string): ParsedArn | undefined {
  const m = ARN.exec(arn);
  if (!m) return undefined;
  const [, kind, rest] = m as unknown as [string, string, string];
  const parts = rest.split('/');
  switch (kind) {
    case 'cluster':
      return parts.length === 1 ? { kind, cluster: parts[0]! } : undefined;
    case 'task-definition': {
      const td = parseFamilyRevision(rest);
      return td && td.revision !== undefined ? { kind, family: td.family, revision: td.revision } : undefined;
    }
    case 'service':
    case 'task':
    case 'container-instance': {
      if (parts.length > 2 || parts.some((p) => p === '')) return undefined;
      const [a, b] = parts as [string, string | undefined];
      if (kind === 'service') return b === undefined ? { kind, name: a } : { kind, cluster: a, name: b };
      return b === undefined ? { kind, id: a } : { kind, cluster: a, id: b };
    }
    default:
      return undefined;
  }
}

/** `family` or `family:rev`; undefined when malformed. */
export function parseFamilyRevision(ref: string): { family: string; revision?: number } | undefined {
  const i = ref.lastIndexOf(':');
  if (i < 0) return ref ? { family: ref } : undefined;
  const family = ref.slice(0, i);
  const rev = ref.slice(i + 1);
  if (!family || !/^[1-9]\d*$/.test(rev)) return undefined;
  return { family, revision: Number(rev) };
}

/** Cluster name from a name or ARN (absent means `default`); undefined when it is a malformed ARN. */
export function clusterNameOf(ref: string | undefined): string | undefined {
  if (ref === undefined || ref === '') return 'default';
  if (!ref.startsWith('arn:')) return ref;
  const p = parseEcsArn(ref);
  return p?.kind === 'cluster' ? p.cluster : undefined;
}

/** The last part of a service, task or container-instance reference (name/id or ARN). */
export function resourceIdOf(ref: string, kind: 'service' | 'task' | 'container-instance'): string | undefined {
  if (!ref.startsWith('arn:')) return ref.includes('/') ? undefined : ref;
  const p = parseEcsArn(ref);
  if (!p || p.kind !== kind) return undefined;
  return p.kind === 'service' ? p.name : (p as { id: string }).id;
}
