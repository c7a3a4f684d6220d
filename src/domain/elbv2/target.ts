/**
 * A target registration, one per (target group, Id, Port): an instance registered on two dynamic
 * ports is two targets. The control plane creates and drains these; the health checker writes
 * `state`, `reason` and `description` as checks pass and fail.
 */
import { BlockList, isIP } from 'node:net';
import type { TargetGroupRecord } from './target-group.js';

/**
 * Target health as ELBv2 names it (TargetHealthStateEnum): the one union the registration records, the
 * health checker and the routing table share.
 */
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unavailable' | 'unused';

/** What a registration record holds: `unused` is never stored, it is what an expired or missing registration shows. */
export type TargetState = Exclude<TargetHealthState, 'unused'>;

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
  /**
   * Each load-balancer node's own last verdict (healthy, unhealthy, unavailable) by node id; `state`
   * is their merge (control-plane/load-balancer-api/target-health-merge.ts). Absent before any node reported.
   */
  nodeHealth?: Record<string, NodeTargetHealth>;
}

/** One node's verdict on one target, and when (epoch ms) it reported it. */
export interface NodeTargetHealth {
  state: 'healthy' | 'unhealthy' | 'unavailable';
  reason?: string;
  description?: string;
  at: number;
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
  const { reason: _r, description: _d, drainedAt: _x, nodeHealth: _n, ...rest } = t;
  return { ...rest, state: 'draining', drainingSince: now, drainUntil: now + delaySeconds * 1000 };
}

/**
 * Why an `ip` target's address cannot be registered, or undefined when it can. ALB takes only
 * addresses a target can really have: not loopback, link-local (169.254.169.254 is the cloud
 * metadata service), unspecified, broadcast or multicast. Berth's one exception is loopback when
 * `allowLoopback` (local development, where tasks listen on 127.0.0.1); the others stay refused, so
 * an internet-facing load balancer can never be pointed at the metadata service or at itself.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address they carry.
 */
export function ipTargetProblem(ip: string, allowLoopback: boolean): string | undefined {
  const family = isIP(ip);
  if (family === 0) return `The IP address '${ip}' is not a valid IPv4 or IPv6 address`;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] : undefined;
  const v4 = family === 4 ? ip : mapped;
  const kind = v4 !== undefined ? rangeOf(refusedV4, v4, 'ipv4') : rangeOf(refusedV6, ip, 'ipv6');
  if (kind === undefined || (kind === 'loopback' && allowLoopback)) return undefined;
  return `The IP address '${ip}' is not a valid target: ${kind} addresses cannot be registered`;
}

type RefusedKind = 'loopback' | 'link-local' | 'unspecified' | 'broadcast' | 'multicast';

function ranges(type: 'ipv4' | 'ipv6', list: Array<[string, number, RefusedKind]>): Array<[BlockList, RefusedKind]> {
  return list.map(([net, prefix, kind]) => {
    const b = new BlockList();
    b.addSubnet(net, prefix, type);
    return [b, kind];
  });
}

const refusedV4 = ranges('ipv4', [
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['0.0.0.0', 8, 'unspecified'],
  ['255.255.255.255', 32, 'broadcast'],
  ['224.0.0.0', 4, 'multicast'],
]);
const refusedV6 = ranges('ipv6', [
  ['::1', 128, 'loopback'],
  ['fe80::', 10, 'link-local'],
  ['::', 128, 'unspecified'],
  ['ff00::', 8, 'multicast'],
]);

function rangeOf(list: ReadonlyArray<[BlockList, RefusedKind]>, ip: string, type: 'ipv4' | 'ipv6'): RefusedKind | undefined {
  return list.find(([b]) => b.check(ip, type))?.[1];
}
