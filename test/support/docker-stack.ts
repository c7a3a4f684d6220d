/**
 * One `berth up` on the Docker runtime for a test's own cluster, with SDK clients for it, and the
 * clean-up every Docker suite needs: its services deleted, the process stopped, its containers
 * (found by their cluster label) removed and its data dir gone. Touches nothing it did not create.
 */
import { execFileSync } from 'node:child_process';
import * as ecs from '@aws-sdk/client-ecs';
import type * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { removeDataDir, startBerthProcess, type BerthProcess } from './berth-process.js';
import { ecsClient, elbv2Client } from './sdk-clients.js';
import { ensureTestImage } from './test-image.js';

export interface DockerStack {
  readonly berth: BerthProcess;
  readonly cluster: string;
  readonly ecs: ecs.ECSClient;
  readonly elb: elb.ElasticLoadBalancingV2Client;
  /** Deletes `services` (force), then stops everything the stack started. */
  close(services: readonly string[]): Promise<void>;
}

export async function startDockerStack(prefix: string, args: readonly string[] = []): Promise<DockerStack> {
  await ensureTestImage();
  const cluster = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const berth = await startBerthProcess({ args: ['--runtime', 'docker', '--cluster', cluster, ...args] });
  const ecsC = ecsClient(berth.apiUrl);
  const elbC = elbv2Client(berth.apiUrl);
  return {
    berth,
    cluster,
    ecs: ecsC,
    elb: elbC,
    async close(services) {
      for (const service of services) await ecsC.send(new ecs.DeleteServiceCommand({ cluster, service, force: true })).catch(() => undefined);
      ecsC.destroy();
      elbC.destroy();
      await berth.stop();
      const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.berth.cluster=${cluster}`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
      if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
      removeDataDir(berth.dataDir);
    },
  };
}

/** The value, or the test fails naming what was missing. */
export function must<T>(v: T | null | undefined, what: string): T {
  if (v === undefined || v === null) throw new Error(`missing: ${what}`);
  return v;
}
