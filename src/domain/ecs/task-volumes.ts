/**
 * RegisterTaskDefinition's checks of `volumes` and the containers that use them (`mountPoints`,
 * `volumesFrom`), and of `ulimits`, in ECS's terms: what the model cannot say. Pure: throws the
 * ClientException ECS gives.
 */
import { AwsError } from '../aws-error.js';
import type { ContainerDefinition } from './records.js';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const client = (message: string) => new AwsError('ClientException', message);

interface VolumeInput {
  name?: unknown;
  host?: { sourcePath?: unknown } | null;
  dockerVolumeConfiguration?: { scope?: unknown; autoprovision?: unknown; driver?: unknown } | null;
}

export function validateVolumes(volumes: unknown[] | undefined, containers: ContainerDefinition[]): void {
  const names = new Set<string>();
  for (const v of (volumes ?? []) as VolumeInput[]) {
    const name = v?.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw client('Invalid volume name: it must be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
    }
    if (names.has(name)) throw client(`Duplicate volume name found: ${name}.`);
    names.add(name);
    const docker = v.dockerVolumeConfiguration;
    if (v.host && docker) throw client(`Invalid volume '${name}': host and dockerVolumeConfiguration cannot both be specified.`);
    if (v.host && (typeof v.host.sourcePath !== 'string' || !v.host.sourcePath.startsWith('/'))) {
      throw client(`Invalid volume '${name}': host.sourcePath must be an absolute path.`);
    }
    if (docker) {
      const scope = docker.scope ?? 'task';
      if (scope !== 'task' && scope !== 'shared') throw client(`Invalid volume '${name}': dockerVolumeConfiguration.scope must be task or shared.`);
      // ECS: "This field is only used if the scope is shared" - and it refuses it with a task scope.
      if (docker.autoprovision === true && scope !== 'shared') {
        throw client(`Invalid volume '${name}': dockerVolumeConfiguration.autoprovision can be true only when the scope is shared.`);
      }
      if (docker.driver !== undefined && (typeof docker.driver !== 'string' || docker.driver === '')) {
        throw client(`Invalid volume '${name}': dockerVolumeConfiguration.driver must not be empty.`);
      }
    }
  }
  const containerNames = new Set(containers.map((c) => c.name));
  for (const c of containers) {
    for (const m of (c.mountPoints ?? []) as { sourceVolume?: unknown; containerPath?: unknown }[]) {
      if (typeof m?.sourceVolume !== 'string' || !names.has(m.sourceVolume)) {
        throw client(
          `Invalid volume reference: mountPoints of container '${c.name}' names sourceVolume '${String(m?.sourceVolume)}', which is not a volume of the task definition.`,
        );
      }
      if (typeof m.containerPath !== 'string' || !m.containerPath.startsWith('/')) {
        throw client(`Invalid 'mountPoints' setting for container '${c.name}': containerPath of '${m.sourceVolume}' must be an absolute path.`);
      }
    }
    for (const f of (c.volumesFrom ?? []) as { sourceContainer?: unknown }[]) {
      const source = f?.sourceContainer;
      if (typeof source !== 'string' || !containerNames.has(source) || source === c.name) {
        throw client(
          `Invalid 'volumesFrom' setting for container '${c.name}': sourceContainer '${String(source)}' is not another container of the task definition.`,
        );
      }
    }
    for (const u of (Array.isArray(c.ulimits) ? c.ulimits : []) as { name?: unknown; softLimit?: unknown; hardLimit?: unknown }[]) {
      const ok =
        Number.isInteger(u?.softLimit) && Number.isInteger(u?.hardLimit) && (u.softLimit as number) >= 0 && (u.softLimit as number) <= (u.hardLimit as number);
      if (!ok) throw client(`Invalid 'ulimits' setting for container '${c.name}': ${String(u?.name)} needs 0 <= softLimit <= hardLimit.`);
    }
  }
  rejectVolumesFromCycle(containers);
}

/** Docker creates a volumesFrom source first, so a cycle could never start. */
function rejectVolumesFromCycle(containers: ContainerDefinition[]): void {
  const from = new Map(containers.map((c) => [c.name, ((c.volumesFrom ?? []) as { sourceContainer: string }[]).map((f) => f.sourceContainer)]));
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    if (path.includes(name))
      throw client(
        `Invalid 'volumesFrom' setting: containers ${[...path.slice(path.indexOf(name)), name].join(' -> ')} take volumes from each other in a cycle.`,
      );
    for (const s of from.get(name) ?? []) visit(s, [...path, name]);
    done.add(name);
  };
  for (const c of containers) visit(c.name ?? '', []);
}
