/**
 * `berth up --stop-tasks-on-exit`: after the local agent has stopped (so nothing restarts them), stop
 * every container this Berth's agent runs for its cluster. Without the flag tasks outlive Berth, and the
 * next start adopts them; with it, the next start finds them exited and the services replace them.
 */
import { BERTH_LABELS, type ContainerRuntime } from '../agent/runtime/runtime.js';
import type { Logger } from '../platform/logger.js';

/** SIGKILL after this long: Berth is exiting, and ECS's default stopTimeout is 30 s. */
const STOP_TIMEOUT_S = 10;

export async function stopLocalTasks(runtime: ContainerRuntime, cluster: string, logger: Logger): Promise<number> {
  const running = (await runtime.list({ [BERTH_LABELS.cluster]: cluster })).filter((c) => c.status === 'running');
  await Promise.all(
    running.map((c) =>
      runtime.stop(c.runtimeId, STOP_TIMEOUT_S).catch((err: unknown) => logger.warn({ err, runtimeId: c.runtimeId }, 'could not stop a task container')),
    ),
  );
  logger.info({ containers: running.length }, 'stopped the local tasks (--stop-tasks-on-exit)');
  return running.length;
}
