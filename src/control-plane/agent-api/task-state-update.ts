/**
 * Applies an agent's task-state report to the task record. Pure; the caller commits with CAS.
 *
 * A report never moves a task or a container backwards (a late or repeated report is harmless), and
 * STOPPED is final. The first stopCode and stoppedReason win: StopTask's UserInitiated stays even
 * though the agent then reports the stop. Remaining resources need no bookkeeping here: they are
 * derived from the tasks that still hold a reservation (lastStatus not STOPPED), so reaching STOPPED
 * is what releases CPU, memory and static ports.
 */
import type { ContainerRecord, TaskRecord } from '../../domain/ecs/records.js';
import { stateIndex, type TaskStateReport } from '../../protocols/agent/index.js';

/** The report times a task record keeps (the first report of each wins). */
export type TaskTimestamps = Pick<TaskRecord, 'pullStartedAt' | 'pullStoppedAt' | 'connectivityAt' | 'executionStoppedAt'>;

export type TrackedTask = TaskRecord;

const CONTAINER_ORDER = ['PENDING', 'RUNNING', 'STOPPED'];

function mergeContainer(cur: ContainerRecord, r: TaskStateReport['containers'][number]): ContainerRecord {
  if (cur.lastStatus === 'STOPPED') return cur;
  const next: ContainerRecord = { ...cur };
  if (CONTAINER_ORDER.indexOf(r.lastStatus) >= CONTAINER_ORDER.indexOf(cur.lastStatus)) next.lastStatus = r.lastStatus;
  if (r.runtimeId !== undefined) next.runtimeId = r.runtimeId;
  if (r.exitCode !== undefined) next.exitCode = r.exitCode;
  if (r.reason !== undefined) next.reason = r.reason;
  if (r.healthStatus !== undefined) next.healthStatus = r.healthStatus;
  if (r.networkBindings !== undefined) next.networkBindings = r.networkBindings.map((b) => ({ ...b }));
  return next;
}

/** The record after the report, or undefined when the report changes nothing. */
export function applyTaskState(task: TrackedTask, report: TaskStateReport, now: number): TrackedTask | undefined {
  if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DELETED') return undefined;
  const cur = stateIndex(task.lastStatus);
  const rep = stateIndex(report.lastStatus);
  if (rep < 0) return undefined;
  const next: TrackedTask = { ...task };
  if (rep > cur) next.lastStatus = report.lastStatus;
  const byName = new Map(report.containers.map((c) => [c.name, c]));
  next.containers = task.containers.map((c) => {
    const r = byName.get(c.name);
    return r ? mergeContainer(c, r) : c;
  });
  if (report.healthStatus !== undefined) next.healthStatus = report.healthStatus;
  const first = <K extends keyof TaskTimestamps | 'startedAt' | 'stoppingAt' | 'stoppedAt'>(k: K, v: number | undefined) => {
    if (v !== undefined && next[k] === undefined) next[k] = v;
  };
  first('pullStartedAt', report.pullStartedAt);
  first('pullStoppedAt', report.pullStoppedAt);
  first('connectivityAt', report.connectivityAt);
  first('startedAt', report.startedAt);
  first('stoppingAt', report.stoppingAt);
  first('executionStoppedAt', report.executionStoppedAt);
  const reached = stateIndex(next.lastStatus);
  if (reached >= stateIndex('STOPPING')) first('stoppingAt', now);
  if (next.lastStatus === 'STOPPED') {
    first('executionStoppedAt', report.stoppedAt ?? now);
    first('stoppedAt', report.stoppedAt ?? now);
    // Every container is down once the task is.
    next.containers = next.containers.map((c) => (c.lastStatus === 'STOPPED' ? c : { ...c, lastStatus: 'STOPPED' }));
  }
  if (next.stopCode === undefined && report.stopCode !== undefined) next.stopCode = report.stopCode;
  if (next.stoppedReason === undefined && report.stoppedReason !== undefined) next.stoppedReason = report.stoppedReason;
  // The agent stopping a task on its own (an essential container exited) makes that the desire too.
  // DEACTIVATING alone does not: the scheduler writes it while targets drain, with the task still wanted.
  if (reached >= stateIndex('STOPPING') || report.stopCode !== undefined) next.desiredStatus = 'STOPPED';
  if (JSON.stringify(next) === JSON.stringify(task)) return undefined;
  next.version = task.version + 1;
  return next;
}
