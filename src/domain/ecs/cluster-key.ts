/**
 * Where a cluster's records live in the store. Cluster names are unique per region (and account),
 * so the store key of a cluster, and of everything under it, carries its region. The server's own
 * region (where agents register) keeps the bare name, so the keys written before clusters were
 * regional, the agents, the controllers and the console stay as they were; any other region's
 * cluster is `name@region` (`@` is never in a cluster name, so the two cannot collide).
 */

const ARN_REGION = /^arn:aws[a-z-]*:ecs:([a-z0-9-]*):/;

/**
 * The store segment of cluster `name` in `region`. The name is percent-encoded first: a real
 * cluster name ([A-Za-z0-9_-]) is unchanged, while a hostile one that spells another region's key
 * (`web@eu-west-1`) or a path (`a/../b`) becomes a segment no cluster has.
 */
export function clusterKey(name: string, region: string, homeRegion: string): string {
  const safe = encodeURIComponent(name);
  return region === homeRegion || region === '' ? safe : `${safe}@${region}`;
}

/** The store segment of the cluster an ECS cluster ARN names; undefined when it is not one. */
export function clusterKeyOfArn(clusterArn: string, homeRegion: string): string | undefined {
  const m = ARN_REGION.exec(clusterArn);
  const i = clusterArn.lastIndexOf(':cluster/');
  if (!m || i < 0) return undefined;
  const name = clusterArn.slice(i + ':cluster/'.length);
  return name && !name.includes('/') ? clusterKey(name, m[1]!, homeRegion) : undefined;
}

/** The region of an ECS ARN (any kind); undefined when it is not one. */
export function regionOfArn(arn: string): string | undefined {
  return ARN_REGION.exec(arn)?.[1];
}
