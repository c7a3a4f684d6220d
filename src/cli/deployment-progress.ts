/**
 * What `berth deploy` shows and decides while it follows a rollout, purely: per deployment Desired /
 * Running / Healthy / Draining (as Nomad's `job run` does), and whether the followed deployment has
 * COMPLETED, FAILED, or was replaced by a rollback.
 */
import type { Service, ServiceDeployment, Task } from '@aws-sdk/client-ecs';
import type { TargetState } from './cluster-view.js';
import { taskHealth } from './commands/ps.js';
import { renderTable, taskDefinitionName } from './table.js';

export interface DeploymentProgress {
  id: string;
  status: string;
  taskDefinition: string;
  desired: number;
  pending: number;
  running: number;
  healthy: number;
  draining: number;
  rolloutState: string;
  reason?: string;
}

export function deploymentProgress(
  service: Service,
  tasks: readonly Task[],
  instanceOf: ReadonlyMap<string, string>,
  targets: ReadonlyMap<string, TargetState>,
): DeploymentProgress[] {
  return (service.deployments ?? []).map((d) => {
    const own = tasks.filter((t) => t.startedBy === d.id);
    const health = (t: Task) => taskHealth(t, t.containerInstanceArn ? instanceOf.get(t.containerInstanceArn) : undefined, targets);
    const stopping = (t: Task) => t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED';
    const running = own.filter((t) => t.lastStatus === 'RUNNING');
    return {
      id: d.id ?? '?',
      status: d.status ?? '?',
      taskDefinition: taskDefinitionName(d.taskDefinition) ?? '?',
      desired: d.desiredCount ?? 0,
      pending: d.pendingCount ?? 0,
      running: d.runningCount ?? running.length,
      // Without targets or a container check, RUNNING is as healthy as ECS can tell.
      healthy: running.filter((t) => !stopping(t) && ['healthy', '-'].includes(health(t))).length,
      draining: own.filter((t) => stopping(t) || health(t) === 'draining').length,
      rolloutState: d.rolloutState ?? (d.status === 'PRIMARY' ? 'IN_PROGRESS' : '-'),
      ...(d.rolloutStateReason ? { reason: d.rolloutStateReason } : {}),
    };
  });
}

export type Outcome = 'in-progress' | 'completed' | 'failed' | 'rolled-back' | 'superseded';

export function deploymentOutcome(service: Service, followedId: string): Outcome {
  const followed = service.deployments?.find((d) => d.id === followedId);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (followed?.rolloutState === 'COMPLETED') return 'completed';
  if (primary && primary.id !== followedId) {
    if (followed?.rolloutState === 'FAILED' || /roll(ing|ed)? ?back/i.test(primary.rolloutStateReason ?? '')) return 'rolled-back';
    return 'superseded';
  }
  if (followed?.rolloutState === 'FAILED') return 'failed';
  if (!followed) return 'superseded';
  return 'in-progress';
}

export function renderProgress(rows: readonly DeploymentProgress[]): string {
  return renderTable(
    ['deployment', 'status', 'task definition', 'desired', 'running', 'healthy', 'draining', 'rollout'],
    rows.map((r) => [r.id, r.status, r.taskDefinition, r.desired, r.running, r.healthy, r.draining, r.rolloutState]),
  );
}

/** One plain line per deployment for logs and pipes (no cursor movement). */
export function progressLines(rows: readonly DeploymentProgress[]): string[] {
  return rows.map(
    (r) => `${r.id} ${r.status} ${r.taskDefinition} desired=${r.desired} running=${r.running} healthy=${r.healthy} draining=${r.draining} ${r.rolloutState}`,
  );
}

export const OUTCOME_TEXT: Record<Exclude<Outcome, 'in-progress'>, string> = {
  completed: 'Deployment completed',
  failed: 'Deployment FAILED',
  'rolled-back': 'Deployment FAILED and was rolled back',
  superseded: 'Deployment was replaced by another one',
};

/** A stop waited on this long is worth explaining (a container that exits on SIGTERM is gone well before). */
const STOP_WAIT_NOTE_MS = 3000;

/**
 * Why a deployment waits on stopping tasks: their containers got SIGTERM and have not exited, so the
 * agent waits out each container's stopTimeout before SIGKILL. Undefined while no stop is slow.
 */
export function stopWaitNote(tasks: readonly Task[], now: Date): string | undefined {
  const waits = tasks
    .filter((t) => t.lastStatus !== 'STOPPED' && t.stoppingAt !== undefined)
    .map((t) => now.getTime() - new Date(t.stoppingAt!).getTime())
    .filter((ms) => ms >= STOP_WAIT_NOTE_MS);
  if (!waits.length) return undefined;
  const longest = Math.round(Math.max(...waits) / 1000);
  const n = waits.length;
  return (
    `waiting for ${n} stopping task${n === 1 ? '' : 's'} (${longest} s since SIGTERM): a container that ignores SIGTERM ` +
    `is killed after its stopTimeout (default 30 s)`
  );
}

/**
 * A traffic-shifting deployment's stage and split, from DescribeServiceDeployments: green is the
 * target revision, blue the sources. Undefined for a deployment that shifts nothing (ROLLING).
 */
export function trafficLine(d: ServiceDeployment | undefined): string | undefined {
  const green = d?.targetServiceRevision;
  if (!d?.lifecycleStage || green?.requestedProductionTrafficWeight === undefined) return undefined;
  const share = (n: number | undefined) => `${Number((n ?? 0).toFixed(1))}%`;
  const production = green.requestedProductionTrafficWeight;
  const test = green.requestedTestTrafficWeight;
  return `stage ${d.lifecycleStage}  production: new ${share(production)} / old ${share(100 - production)}  test: new ${share(test)}`;
}
