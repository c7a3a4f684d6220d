/**
 * A target registration, one per (target group, Id, Port): an instance registered on two dynamic
 * ports is two targets. The control plane creates and drains these; the health checker writes
 * `state`, `reason` and `description` as checks pass and fail.
 */
import type { TargetGroupRecord } from './target-group.js';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unavailable';

export interface TargetRecord {
  TargetGroupArn: string;
  Id: string;
  Port: number;
  AvailabilityZone?: string;
  /** Epoch ms. */
  registeredAt: number;
  state: TargetState;
  reason?: string;
  description?: string;
  /** Epoch ms when deregistration began. */
  drainingSince?: number;
  /** Epoch ms when draining ends; after it the registration is gone (`unused`). */
  drainUntil?: number;
  /**
   * Epoch ms when the load balancer saw no request in flight after deregistration; the task may stop
   * then. DescribeTargetHealth still shows draining until drainUntil.
   */
  drainedAt?: number;
}

export interface TargetHealthDescription {
  Target: { Id: string; Port: number; AvailabilityZone?: string };
  HealthCheckPort?: string;
  TargetHealth: { State: string; Reason?: string; Description?: string };
}

type TgView = Pick<TargetGroupRecord, 'LoadBalancerArns' | 'HealthCheckEnabled' | 'HealthCheckPort'>;

const DESCRIPTIONS: Record<string, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.NotRegistered': 'Target is not registered to the target group',
  // AWS's own wording (DescribeTargetHealth examples in the API reference).
  'Target.NotInUse': 'Given target group is not configured to receive traffic from ELB',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.HealthCheckDisabled': 'Health checks are disabled',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.Timeout': 'Request timed out',
};

const health = (State: string, Reason?: string, Description?: string) =>
  Reason ? { State, Reason, Description: Description ?? DESCRIPTIONS[Reason] ?? Reason } : { State };

/** Draining is over: the registration no longer exists, whatever the record still says. */
export function registrationExpired(t: TargetRecord, now: number): boolean {
  return t.state === 'draining' && t.drainUntil !== undefined && now >= t.drainUntil;
}

export function healthCheckPortOf(t: Pick<TargetRecord, 'Port'>, tg: TgView): string {
  return tg.HealthCheckPort === 'traffic-port' ? String(t.Port) : tg.HealthCheckPort;
}

/** What DescribeTargetHealth shows for one registration, as AWS derives it. */
export function describeTarget(t: TargetRecord, tg: TgView, now: number): TargetHealthDescription {
  const target = { Id: t.Id, Port: t.Port, ...(t.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}) };
  if (registrationExpired(t, now)) return notRegistered(target, tg);
  // AWS reports the port it would check on, whatever the state (even unused).
  const HealthCheckPort = healthCheckPortOf(t, tg);
  if (tg.LoadBalancerArns.length === 0) return { Target: target, HealthCheckPort, TargetHealth: health('unused', 'Target.NotInUse') };
  if (t.state === 'draining') return { Target: target, HealthCheckPort, TargetHealth: health('draining', 'Target.DeregistrationInProgress') };
  if (!tg.HealthCheckEnabled) return { Target: target, HealthCheckPort, TargetHealth: health('unavailable', 'Target.HealthCheckDisabled') };
  switch (t.state) {
    case 'healthy':
      return { Target: target, HealthCheckPort, TargetHealth: health('healthy') };
    case 'initial':
      return { Target: target, HealthCheckPort, TargetHealth: health('initial', t.reason ?? 'Elb.RegistrationInProgress', t.description) };
    case 'unhealthy':
      return { Target: target, HealthCheckPort, TargetHealth: health('unhealthy', t.reason ?? 'Target.FailedHealthChecks', t.description) };
    case 'unavailable':
      return { Target: target, HealthCheckPort, TargetHealth: health('unavailable', t.reason ?? 'Elb.InternalError', t.description) };
  }
}

/** A target asked about by (Id, Port) that has no registration. */
export function notRegistered(target: { Id: string; Port: number; AvailabilityZone?: string }, tg: TgView): TargetHealthDescription {
  return { Target: target, HealthCheckPort: healthCheckPortOf(target, tg), TargetHealth: health('unused', 'Target.NotRegistered') };
}

/** When the task behind a draining registration may stop: drainUntil, or earlier once nothing is in flight. */
export function drainEndsAt(t: TargetRecord): number | undefined {
  if (t.drainUntil === undefined) return t.drainedAt;
  return t.drainedAt === undefined ? t.drainUntil : Math.min(t.drainUntil, t.drainedAt);
}

/** A fresh registration, or a draining one brought back: both start over as `initial`. */
export function newRegistration(tgArn: string, id: string, port: number, az: string | undefined, now: number): TargetRecord {
  return {
    TargetGroupArn: tgArn,
    Id: id,
    Port: port,
    ...(az ? { AvailabilityZone: az } : {}),
    registeredAt: now,
    state: 'initial',
    reason: 'Elb.RegistrationInProgress',
  };
}

export function startDraining(t: TargetRecord, now: number, delaySeconds: number): TargetRecord {
  const { reason: _r, description: _d, drainedAt: _x, ...rest } = t;
  return { ...rest, state: 'draining', drainingSince: now, drainUntil: now + delaySeconds * 1000 };
}
