/**
 * Tasks outlive Berth by design (a restarted agent adopts them), so a test that ran tasks stops
 * them before stopping Berth: every service deleted with force, every task stopped, and a wait
 * until each task is really STOPPED (its process or container gone).
 */
import { DeleteServiceCommand, DescribeTasksCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { ecsClient } from './sdk-clients.js';
import { eventually } from './eventually.js';

export async function stopAllTasks(
  apiUrl: string,
  timeoutMs = 45_000,
  credentials: { accessKeyId: string; secretAccessKey: string } = { accessKeyId: 'a', secretAccessKey: 'b' },
): Promise<void> {
  const ecs = ecsClient(apiUrl, { credentials });
  try {
    const clusters = (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
    for (const cluster of clusters) {
      for (const service of (await ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? []) {
        await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
      }
    }
    // Stopping is asked for again on every look: a task placed meanwhile by a service being deleted is stopped too.
    await eventually(
      async () => {
        let live = 0;
        for (const cluster of clusters) {
          const arns = [
            ...((await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }))).taskArns ?? []),
            ...((await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED' }))).taskArns ?? []),
          ];
          for (let i = 0; i < arns.length; i += 100) {
            const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }))).tasks ?? [];
            for (const t of tasks) {
              if (t.lastStatus === 'STOPPED') continue;
              live++;
              if (t.desiredStatus !== 'STOPPED' && t.taskArn) await ecs.send(new StopTaskCommand({ cluster, task: t.taskArn, reason: 'test teardown' }));
            }
          }
        }
        return live;
      },
      { what: 'every task STOPPED', timeoutMs, intervalMs: 300, until: (live) => live === 0 },
    );
  } finally {
    ecs.destroy();
  }
}
