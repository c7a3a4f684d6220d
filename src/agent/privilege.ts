/**
 * What only an agent started with `--allow-privileged` runs: a privileged container, and a bind mount
 * of the Docker socket (or a folder holding it). Either gives the task root on the host: privileged
 * switches off the container's confinement, and whoever reaches dockerd can start a container that
 * mounts `/`. Pure.
 */
import { posix } from 'node:path';
import type { AssignedTask } from './control-plane-client.js';

/** Where Docker's socket lives on Linux hosts (`/var/run` is a link to `/run` on most). */
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/** Whether mounting `sourcePath` reaches the Docker socket: the socket itself, or a folder above it. */
export function reachesDockerSocket(sourcePath: string): boolean {
  const p = posix.normalize(sourcePath).replace(/\/+$/, '') || '/';
  if (posix.basename(p) === 'docker.sock') return true;
  return DOCKER_SOCKETS.some((s) => s === p || s.startsWith(p === '/' ? '/' : `${p}/`));
}

/**
 * The host path a volume mounts: `host.sourcePath`, or the `device` of a `local` Docker volume (its
 * driverOpts can make it a bind mount of any host folder: `type=none,o=bind,device=/var/run`).
 */
function hostPathOf(v: NonNullable<AssignedTask['volumes']>[number]): { field: string; path: string } | undefined {
  if (v.kind === 'host') return { field: 'host.sourcePath', path: v.sourcePath };
  const device = v.driverOpts.device;
  if (v.driver === 'local' && device?.startsWith('/')) return { field: 'dockerVolumeConfiguration.driverOpts.device', path: device };
  return undefined;
}

/**
 * Why this agent refuses the task, naming the field, or undefined when it may run it. `realPath`
 * resolves symbolic links on the host (a link to /var/run is /var/run); identity when it cannot.
 */
export function privilegeRefusal(task: AssignedTask, allowPrivileged: boolean, realPath: (p: string) => string = (p) => p): string | undefined {
  if (allowPrivileged) return undefined;
  const flag = 'this agent was not started with --allow-privileged';
  for (const c of task.containers) {
    if (c.privileged) return `container ${c.name}: privileged is refused because ${flag} (a privileged container is root on the host)`;
    for (const m of c.mountPoints ?? []) {
      const v = task.volumes?.find((x) => x.name === m.sourceVolume);
      const where = v && hostPathOf(v);
      if (v && where && (reachesDockerSocket(where.path) || reachesDockerSocket(realPath(where.path)))) {
        return `container ${c.name}: mountPoints sourceVolume '${v.name}' (${where.field} ${where.path}) reaches the Docker socket, refused because ${flag} (the Docker socket gives root on the host)`;
      }
    }
  }
  return undefined;
}
