/**
 * ELBv2/EC2/ECS records → `RoutingTableInput`, purely: the one place where the control plane's
 * words (attributes as strings, conditions with `*Config`, target records with drain times) become
 * the data plane's typed snapshot. `now` decides which draining registrations still exist.
 *
 * Robustness over strictness: the table builder throws on dangling references, and one bad record
 * must never take every listener down, so anything that does not resolve is left out here instead.
 */
import { normalizeProtocol, type SecurityGroupRecord } from '../../domain/ec2/security-group.js';
import type { ListenerRecord, RuleRecord } from '../../domain/elbv2/listener.js';
import type { Action as ActionRecord } from '../../domain/elbv2/action.js';
import type { RuleCondition } from '../../domain/elbv2/condition.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import { registrationExpired, type TargetRecord } from '../../domain/elbv2/target.js';
import { defaultAttributes, loadBalancerAttributeCatalogue, targetGroupAttributeCatalogue } from '../../domain/elbv2/attributes.js';
import {
  defaultLoadBalancerAttributes,
  type Action,
  type Algorithm,
  type Condition,
  type DesyncMode,
  type IngressRule,
  type Listener,
  type ListenerCertificate,
  type ListenerTls,
  type LoadBalancer,
  type Rule,
  type RoutingTableInput,
  type Target,
  type TargetGroup,
  type XffMode,
} from '../routing-table.js';
import { DEFAULT_SSL_POLICY } from '../../domain/elbv2/ssl-policy.js';
import type { FixedResponseContentType } from '../routing/fixed-response.js';
import type { RoutingRecords } from '../../protocols/load-balancer/index.js';

export type { RoutingRecords } from '../../protocols/load-balancer/index.js';

export interface RoutingSourceOptions {
  /** Where `internal` load balancers listen (default 127.0.0.1). */
  readonly internalBindAddress?: string;
  /** Where `internet-facing` ones listen (default 0.0.0.0). */
  readonly publicBindAddress?: string;
  /** Connect timeout to targets (ALB: 10 s, not configurable there). */
  readonly connectTimeoutMs?: number;
  /** When each target last became healthy, as the node's prober saw it (slow start). */
  readonly healthySince?: (targetGroupArn: string, id: string, port: number) => number | undefined;
  /**
   * This node's own checker's verdict on a target, when it has one: each node routes by what it
   * sees itself (as each ALB node does); the record's state, merged from every node, is the
   * fallback (a restarted node routes on it until its own checks conclude).
   */
  readonly ownHealth?: (targetGroupArn: string, id: string, port: number) => 'healthy' | 'unhealthy' | undefined;
  readonly version?: number;
}

const lbDefaults = defaultAttributes(loadBalancerAttributeCatalogue);
const tgDefaults = defaultAttributes(targetGroupAttributeCatalogue);

function lbAttributes(stored: Record<string, string>, connectTimeoutMs: number): LoadBalancer['attributes'] {
  const a = { ...lbDefaults, ...stored };
  return {
    idleTimeoutSeconds: Number(a['idle_timeout.timeout_seconds']) || defaultLoadBalancerAttributes.idleTimeoutSeconds,
    desyncMitigationMode: a['routing.http.desync_mitigation_mode'] as DesyncMode,
    xffHeaderProcessingMode: a['routing.http.xff_header_processing.mode'] as XffMode,
    xffClientPortEnabled: a['routing.http.xff_client_port.enabled'] === 'true',
    preserveHostHeader: a['routing.http.preserve_host_header.enabled'] === 'true',
    dropInvalidHeaderFields: a['routing.http.drop_invalid_header_fields.enabled'] === 'true',
    connectTimeoutMs,
    maxConnectionsPerListener: Number(a['berth.listener.max_connections']) || defaultLoadBalancerAttributes.maxConnectionsPerListener,
  };
}

/** Security groups → ingress blocks; `null` (everyone) only when the LB has no group at all. */
export function ingressOf(groupIds: readonly string[], groups: ReadonlyMap<string, SecurityGroupRecord>): IngressRule[] | null {
  if (groupIds.length === 0) return null;
  const out: IngressRule[] = [];
  for (const id of groupIds) {
    for (const p of groups.get(id)?.IpPermissions ?? []) {
      const proto = normalizeProtocol(p.IpProtocol);
      if (proto !== 'tcp' && proto !== '-1') continue;
      const all = proto === '-1';
      for (const r of p.IpRanges) {
        out.push({ cidr: r.CidrIp, fromPort: all ? 0 : (p.FromPort ?? 0), toPort: all ? 65535 : (p.ToPort ?? 65535) });
      }
    }
  }
  return out;
}

function condition(c: RuleCondition): Condition {
  switch (c.Field) {
    case 'host-header':
      return { field: c.Field, values: c.HostHeaderConfig?.Values ?? c.Values ?? [] };
    case 'path-pattern':
      return { field: c.Field, values: c.PathPatternConfig?.Values ?? c.Values ?? [] };
    case 'http-header':
      return { field: c.Field, headerName: c.HttpHeaderConfig?.HttpHeaderName ?? '', values: c.HttpHeaderConfig?.Values ?? [] };
    case 'http-request-method':
      return { field: c.Field, values: c.HttpRequestMethodConfig?.Values ?? [] };
    case 'query-string':
      return {
        field: c.Field,
        values: (c.QueryStringConfig?.Values ?? []).map((v) => (v.Key === undefined ? { value: v.Value } : { key: v.Key, value: v.Value })),
      };
    case 'source-ip':
      return { field: c.Field, values: c.SourceIpConfig?.Values ?? [] };
  }
}

/** The terminal action (the last one; authenticate-* is refused by the API). */
function action(actions: readonly ActionRecord[], knownGroups: ReadonlySet<string>): Action | undefined {
  const a = actions[actions.length - 1];
  if (!a) return undefined;
  switch (a.Type) {
    case 'forward': {
      const tuples = a.ForwardConfig?.TargetGroups ?? (a.TargetGroupArn ? [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }] : []);
      const targetGroups = tuples.filter((t) => knownGroups.has(t.TargetGroupArn)).map((t) => ({ targetGroupArn: t.TargetGroupArn, weight: t.Weight }));
      if (targetGroups.length === 0) return undefined;
      const s = a.ForwardConfig?.TargetGroupStickinessConfig;
      return {
        type: 'forward',
        targetGroups,
        ...(s ? { stickiness: { enabled: s.Enabled, durationSeconds: s.DurationSeconds ?? 3600 } } : {}),
      };
    }
    case 'redirect': {
      const c = a.RedirectConfig!;
      return {
        type: 'redirect',
        redirect: { protocol: c.Protocol, host: c.Host, port: c.Port, path: c.Path, query: c.Query, statusCode: c.StatusCode as 'HTTP_301' | 'HTTP_302' },
      };
    }
    case 'fixed-response': {
      const c = a.FixedResponseConfig!;
      return {
        type: 'fixed-response',
        fixedResponse: {
          statusCode: c.StatusCode,
          ...(c.ContentType !== undefined ? { contentType: c.ContentType as FixedResponseContentType } : {}),
          ...(c.MessageBody !== undefined ? { messageBody: c.MessageBody } : {}),
        },
      };
    }
  }
}

function targetState(t: TargetRecord, checksEnabled: boolean, own: 'healthy' | 'unhealthy' | undefined): Target['state'] {
  if (t.state === 'draining') return 'draining';
  if (!checksEnabled) return 'unavailable';
  return own ?? t.state;
}

function targetGroup(
  tg: TargetGroupRecord,
  targets: readonly TargetRecord[],
  addressOf: (tg: TargetGroupRecord, id: string) => string | undefined,
  now: number,
  options: RoutingSourceOptions,
): TargetGroup {
  const a = { ...tgDefaults, ...tg.attributes };
  const out: Target[] = [];
  for (const t of targets) {
    if (registrationExpired(t, now)) continue;
    const address = addressOf(tg, t.Id);
    if (address === undefined) continue;
    const state = targetState(t, tg.HealthCheckEnabled, options.ownHealth?.(tg.TargetGroupArn, t.Id, t.Port));
    const healthySince = state === 'healthy' ? options.healthySince?.(tg.TargetGroupArn, t.Id, t.Port) : undefined;
    out.push({ id: t.Id, address, port: t.Port, state, ...(healthySince !== undefined ? { healthySince } : {}) });
  }
  out.sort((x, y) => (x.id === y.id ? x.port - y.port : x.id < y.id ? -1 : 1));
  const stickyType = a['stickiness.type'] === 'app_cookie' ? 'app_cookie' : 'lb_cookie';
  return {
    arn: tg.TargetGroupArn,
    name: tg.TargetGroupName,
    protocol: tg.Protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
    ...(tg.ProtocolVersion === 'HTTP2' || tg.ProtocolVersion === 'GRPC' ? { protocolVersion: tg.ProtocolVersion } : {}),
    algorithm: a['load_balancing.algorithm.type'] as Algorithm,
    stickiness: {
      enabled: a['stickiness.enabled'] === 'true',
      type: stickyType,
      durationSeconds: Number(stickyType === 'app_cookie' ? a['stickiness.app_cookie.duration_seconds'] : a['stickiness.lb_cookie.duration_seconds']),
      ...(stickyType === 'app_cookie' && a['stickiness.app_cookie.cookie_name'] ? { appCookieName: a['stickiness.app_cookie.cookie_name'] } : {}),
    },
    slowStartSeconds: Number(a['slow_start.duration_seconds']) || 0,
    deregistrationDelaySeconds: Number(a['deregistration_delay.timeout_seconds']),
    minimumHealthyTargets: Number(a['target_group_health.unhealthy_state_routing.minimum_healthy_targets.count']) || 1,
    healthCheck: {
      enabled: tg.HealthCheckEnabled,
      protocol: tg.HealthCheckProtocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
      path: tg.HealthCheckPath ?? '/',
      port: tg.HealthCheckPort === 'traffic-port' ? 'traffic-port' : Number(tg.HealthCheckPort),
      intervalSeconds: tg.HealthCheckIntervalSeconds,
      timeoutSeconds: tg.HealthCheckTimeoutSeconds,
      healthyThreshold: tg.HealthyThresholdCount,
      unhealthyThreshold: tg.UnhealthyThresholdCount,
      matcher: tg.Matcher?.GrpcCode ?? tg.Matcher?.HttpCode ?? '200',
    },
    targets: out,
  };
}

export function routingInputFromRecords(records: RoutingRecords, now: number, options: RoutingSourceOptions = {}): RoutingTableInput {
  const groups = new Map(records.securityGroups.map((g) => [g.GroupId, g]));
  const instances = new Map(records.containerInstances.filter((i) => i.status !== 'INACTIVE').map((i) => [i.ec2InstanceId, i]));
  const addressOf = (tg: TargetGroupRecord, id: string): string | undefined =>
    tg.TargetType === 'ip' ? id : instances.get(id) ? (instances.get(id)!.advertiseAddress ?? '127.0.0.1') : undefined;

  const loadBalancers: LoadBalancer[] = records.loadBalancers.map((lb) => {
    const internal = lb.Scheme === 'internal';
    const bindAddress = internal ? (options.internalBindAddress ?? '127.0.0.1') : (options.publicBindAddress ?? '0.0.0.0');
    return {
      arn: lb.LoadBalancerArn,
      name: lb.LoadBalancerName,
      scheme: lb.Scheme,
      bindAddress,
      ingress: ingressOf(lb.SecurityGroups, groups),
      attributes: lbAttributes(lb.attributes, options.connectTimeoutMs ?? defaultLoadBalancerAttributes.connectTimeoutMs),
    };
  });
  const lbArns = new Set(loadBalancers.map((lb) => lb.arn));
  const tgByArn = new Map(records.targetGroups.map((tg) => [tg.TargetGroupArn, tg]));
  const knownGroups = new Set(tgByArn.keys());

  const rulesByListener = new Map<string, RuleRecord[]>();
  for (const r of records.rules) {
    const list = rulesByListener.get(r.ListenerArn) ?? [];
    list.push(r);
    rulesByListener.set(r.ListenerArn, list);
  }
  const certificates = new Map((records.certificates ?? []).map((c) => [c.arn, c]));
  // Oldest listener wins a port; the API's port check keeps this from happening in practice.
  const ports = new Set<number>();
  const listeners: Listener[] = [];
  const used = new Set<string>();
  for (const l of [...records.listeners].sort((x, y) => x.createdAt - y.createdAt || (x.ListenerArn < y.ListenerArn ? -1 : 1))) {
    if (!lbArns.has(l.LoadBalancerArn) || ports.has(l.Port)) continue;
    const rules: Rule[] = [];
    for (const r of rulesByListener.get(l.ListenerArn) ?? []) {
      const act = action(r.Actions, knownGroups);
      if (!act) continue;
      if (act.type === 'forward') for (const g of act.targetGroups) used.add(g.targetGroupArn);
      rules.push({ arn: r.RuleArn, priority: r.IsDefault ? 'default' : Number(r.Priority), conditions: r.Conditions.map(condition), action: act });
    }
    if (!rules.some((r) => r.priority === 'default')) {
      rules.push({ arn: l.defaultRuleArn, priority: 'default', conditions: [], action: { type: 'fixed-response', fixedResponse: { statusCode: '503' } } });
    }
    let tls: ListenerTls | undefined;
    if (l.Protocol === 'HTTPS') {
      tls = listenerTls(l, certificates);
      // Without its default certificate an HTTPS listener is left out: never served as plain HTTP.
      if (!tls) continue;
    }
    ports.add(l.Port);
    listeners.push({ arn: l.ListenerArn, loadBalancerArn: l.LoadBalancerArn, port: l.Port, protocol: l.Protocol, rules, ...(tls ? { tls } : {}) });
  }

  const targetsByGroup = new Map<string, TargetRecord[]>();
  for (const t of records.targets) {
    const list = targetsByGroup.get(t.TargetGroupArn) ?? [];
    list.push(t);
    targetsByGroup.set(t.TargetGroupArn, list);
  }
  // A group no listener forwards to is neither routed nor checked (ALB: unused, Target.NotInUse).
  const targetGroups = [...used].sort().map((arn) => targetGroup(tgByArn.get(arn)!, targetsByGroup.get(arn) ?? [], addressOf, now, options));
  return { version: options.version ?? 0, loadBalancers, listeners, targetGroups };
}

/** An HTTPS listener's TLS: its policy, its default certificate and the SNI ones that resolve. */
function listenerTls(l: ListenerRecord, certificates: ReadonlyMap<string, ListenerCertificate>): ListenerTls | undefined {
  const defaultCertificate = l.certificateArn ? certificates.get(l.certificateArn) : undefined;
  if (!defaultCertificate) return undefined;
  const extra = (l.sniCertificateArns ?? []).filter((a) => a !== l.certificateArn).flatMap((a) => certificates.get(a) ?? []);
  return { sslPolicy: l.SslPolicy ?? DEFAULT_SSL_POLICY, defaultCertificate, certificates: extra };
}

/** The earliest moment a draining registration expires, so the feed can rebuild then. */
export function nextDrainExpiry(targets: readonly TargetRecord[], now: number): number | undefined {
  let next: number | undefined;
  for (const t of targets) {
    if (t.state !== 'draining' || t.drainUntil === undefined || t.drainUntil <= now) continue;
    if (next === undefined || t.drainUntil < next) next = t.drainUntil;
  }
  return next;
}
