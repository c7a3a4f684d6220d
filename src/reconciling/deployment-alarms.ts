/**
 * ECS's deployment alarms (`deploymentConfiguration.alarms`): while a deployment is in progress, an
 * alarm it names that went into ALARM after the deployment started fails it (and, with `rollback`,
 * rolls it back, as the circuit breaker does). An alarm already in ALARM when the deployment began
 * does not count until it has left ALARM and come back, so a standing alarm cannot fail every new
 * deployment. A rollback is never failed by alarms: it returns to the revision they watched before,
 * and the alarm that failed the deployment it undoes is still in ALARM while it runs (a blue/green
 * rollback keeps blue's deployment, created long before that alarm's change). Pure.
 */
import type { Deployment, DeploymentConfiguration } from '../domain/ecs/records.js';

export interface AlarmStateView {
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** Epoch ms of its last change of state. */
  readonly transitionedAt: number;
}

/**
 * How long a deployment watched by alarms stays IN_PROGRESS once its tasks are steady, so the alarms
 * see its traffic before it completes (ECS watches its alarms after steady state too).
 */
export const ALARM_WATCH_AFTER_STEADY_MS = 60_000;

/** How often the controller looks at the alarms again while a deployment they watch is in progress. */
export const ALARM_RECHECK_MS = 5_000;

/** The alarms that failed the deployment and why, in ECS's words, or undefined while none tripped. */
export function alarmTrip(
  config: DeploymentConfiguration['alarms'],
  primary: Pick<Deployment, 'id' | 'createdAt' | 'rolloutState' | 'rollbackOf'>,
  alarms: ReadonlyMap<string, AlarmStateView> | undefined,
): { readonly reason: string; readonly alarms: readonly string[] } | undefined {
  if (!config?.enable || primary.rolloutState !== 'IN_PROGRESS' || primary.rollbackOf !== undefined || !alarms) return undefined;
  const tripped = config.alarmNames.filter((name) => {
    const a = alarms.get(name);
    return a !== undefined && a.state === 'ALARM' && a.transitionedAt >= primary.createdAt;
  });
  if (tripped.length === 0) return undefined;
  return {
    reason: `ECS deployment ${primary.id} failed: the CloudWatch alarm${tripped.length === 1 ? '' : 's'} ${tripped.join(', ')} went into ALARM during the deployment.`,
    alarms: tripped,
  };
}
