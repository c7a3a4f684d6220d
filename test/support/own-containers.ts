/**
 * The containers of one Berth, found by the instance id its agent keeps in its data dir and puts on
 * every container it creates (`com.berth.instance-id`). Tests list and clean up by that alone: a
 * cluster name such as `default` is shared with whatever `berth up` the user runs beside the suite.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTANCE_LABEL } from '../../src/agent/container-spec.js';

/** The local agent's instance id of a `berth up` data dir (written before its first container). */
export function instanceIdOf(dataDir: string): string {
  const id = readFileSync(join(dataDir, 'agent', 'instance-id'), 'utf8').trim();
  if (!/^i-[0-9a-f]{17}$/.test(id)) throw new Error(`no instance id in ${dataDir}`);
  return id;
}

/** `docker ps` lines (`ID PORTS`) of the running containers that carry this instance id. */
export function containersOfInstance(instanceId: string, options: { all?: boolean } = {}): string[] {
  return execFileSync('docker', ['ps', ...(options.all ? ['-a'] : []), '--filter', `label=${INSTANCE_LABEL}=${instanceId}`, '--format', '{{.ID}} {{.Ports}}'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

/** Removes every container (running or not) of this instance id, and nothing else. */
export function removeContainersOfInstance(instanceId: string): void {
  const ids = containersOfInstance(instanceId, { all: true }).map((l) => l.split(' ')[0]!);
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

/** The ids of every container (running or not) of one task: a task ARN is this Berth's alone. */
export function containersOfTask(taskArn: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=com.berth.task-arn=${taskArn}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}
