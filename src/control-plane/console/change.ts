/**
 * What a store write means to the console: "changed: kind/id". The page refetches what changed, so
 * a message carries no record, only which list is stale. Pure: a key in, a change (or nothing) out.
 */

export type ChangeKind =
  | 'cluster'
  | 'task-definition'
  | 'service'
  | 'task'
  | 'container-instance'
  | 'load-balancer'
  | 'listener'
  | 'rule'
  | 'target-group'
  | 'target'
  | 'certificate';

export interface Change {
  readonly kind: ChangeKind;
  /** The key's path under its kind, e.g. `default/web` for a service, `<tgId>/i-1:32768` for a target. */
  readonly id: string;
}

/** The prefixes the console watches, each with the kind its records are. */
export const WATCHED: ReadonlyArray<readonly [string, ChangeKind]> = [
  ['/berth/ecs/clusters/', 'cluster'],
  ['/berth/ecs/task-definitions/', 'task-definition'],
  ['/berth/ecs/services/', 'service'],
  ['/berth/ecs/tasks/', 'task'],
  ['/berth/ecs/container-instances/', 'container-instance'],
  ['/berth/elbv2/load-balancers/', 'load-balancer'],
  ['/berth/elbv2/listeners/', 'listener'],
  ['/berth/elbv2/rules/', 'rule'],
  ['/berth/elbv2/target-groups/', 'target-group'],
  ['/berth/elbv2/targets/', 'target'],
  ['/berth/acm/certificates/', 'certificate'],
];

export function changeOf(key: string): Change | undefined {
  for (const [prefix, kind] of WATCHED) {
    if (key.startsWith(prefix) && key.length > prefix.length) return { kind, id: key.slice(prefix.length) };
  }
  return undefined;
}

/** One message per distinct change in a batch of keys (a transaction often writes one record twice over). */
export function changesOf(keys: Iterable<string>): Change[] {
  const seen = new Map<string, Change>();
  for (const key of keys) {
    const c = changeOf(key);
    if (c) seen.set(`${c.kind}/${c.id}`, c);
  }
  return [...seen.values()];
}
