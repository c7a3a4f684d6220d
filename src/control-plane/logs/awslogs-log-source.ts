/**
 * `berth logs` and the console's task page for awslogs containers: the lines come from Berth's
 * CloudWatch Logs store (the same events `aws logs get-log-events` answers), not from the host;
 * other containers go to `fallback` (the agent's runtime log). Follow polls the stream until the
 * caller goes away.
 */
import { parseEcsArn } from '../../domain/ecs/arn.js';
import { awslogsStreamName, awslogsTargetOf } from '../../domain/ecs/log-configuration.js';
import type { TaskDefinitionRecord, TaskRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import type { LogGroupRecord } from '../../domain/logs/log-records.js';
import type { Clock } from '../../platform/clock.js';
import type { Store } from '../../store/store.js';
import type { LogLineOut, LogSource } from '../agent-api/agent-service.js';
import { resolveTaskDefinition } from '../ecs/task-definitions.js';
import { eventsOf } from './log-store.js';

export interface AwslogsLogSourceDeps {
  store: Store;
  clock: Clock;
  region: string;
  /** How often a follow looks for new events (default 500 ms). */
  pollMs?: number;
}

export function awslogsLogSource(deps: AwslogsLogSourceDeps, fallback: LogSource): LogSource {
  return async (req, signal) => {
    const parsed = parseEcsArn(req.taskArn);
    const taskId = parsed?.kind === 'task' ? parsed.id : req.taskArn;
    const task = (await deps.store.get<TaskRecord>(keys.task(req.cluster, taskId)))?.value;
    if (!task) return fallback(req, signal);
    const td: TaskDefinitionRecord | undefined = await resolveTaskDefinition(deps.store, task.taskDefinitionArn).then(
      (r) => r.value,
      () => undefined,
    );
    const def = td?.containerDefinitions.find((c) => c.name === req.containerName);
    const log = def?.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
    if (log?.logDriver !== 'awslogs') return fallback(req, signal);
    const target = awslogsTargetOf(req.containerName, log.options ?? {}, undefined);
    const runtimeId = task.containers.find((c) => c.name === req.containerName)?.runtimeId ?? '';
    const stream = awslogsStreamName(target, req.containerName, taskId, runtimeId);
    return lines(deps, target.group, stream, req, signal);
  };
}

async function* lines(
  deps: AwslogsLogSourceDeps,
  groupName: string,
  stream: string,
  req: { follow?: boolean; tail?: number },
  signal: AbortSignal,
): AsyncIterable<LogLineOut> {
  const read = async () => {
    const group = (await deps.store.get<LogGroupRecord>(keys.logGroup(deps.region, groupName)))?.value;
    return group ? eventsOf(deps.store, deps.region, group, stream, deps.clock.now()) : [];
  };
  let events = await read();
  // Stored events carry no stdout/stderr mark (CloudWatch keeps none): they are shown as stdout.
  const from = req.tail !== undefined ? Math.max(0, events.length - req.tail) : 0;
  for (const e of events.slice(from)) yield { stream: 'stdout', line: e.m, time: e.t };
  let seen = events.length;
  while (req.follow && !signal.aborted) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, deps.pollMs ?? 500);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    if (signal.aborted) return;
    events = await read();
    // Events only append (in position order), except past retention; a shrunk stream restarts the count.
    if (events.length < seen) seen = 0;
    for (const e of events.slice(seen)) yield { stream: 'stdout', line: e.m, time: e.t };
    seen = events.length;
  }
}
