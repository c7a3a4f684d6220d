/**
 * The routing table: an immutable snapshot of everything the data plane needs, in ELBv2 shapes.
 * The node swaps the whole table on every change and never patches it, so a request sees one
 * consistent view from start to end. `buildRoutingTable` validates, sorts rules by priority,
 * compiles every condition once, precomputes each target group's routable set (fail-open
 * included) and deep-freezes the result.
 */
import { compileRules, type CompiledRules } from './routing/rule-matcher.js';
import { parseCidr, type Cidr } from './routing/cidr.js';
import type { RedirectConfig } from './routing/redirect.js';
import type { FixedResponseConfig } from './routing/fixed-response.js';
import type { ListenerCertificate } from '../protocols/load-balancer/index.js';
import type { TargetHealthState } from '../domain/elbv2/target.js';

export type { TargetHealthState };
export type Algorithm = 'round_robin' | 'least_outstanding_requests' | 'weighted_random';
export type DesyncMode = 'monitor' | 'defensive' | 'strictest';
export type XffMode = 'append' | 'preserve' | 'remove';

export interface Target {
  /** The ELBv2 target Id (instance id or IP). */
  readonly id: string;
  /** Where to connect: a loopback or host address, never a container bridge IP. */
  readonly address: string;
  readonly port: number;
  readonly state: TargetHealthState;
  /** Epoch ms when the target last became healthy; drives slow start. */
  readonly healthySince?: number;
}

/** The identity of a target: ELBv2 keys targets by (Id, Port), which dynamic ports rely on. */
export function targetKey(t: { id: string; port: number }): string {
  return `${t.id}:${t.port}`;
}

export interface HealthCheckSettings {
  readonly enabled: boolean;
  /** HTTPS checks do not verify the target's certificate, as ALB's do not. */
  readonly protocol: 'HTTP' | 'HTTPS';
  /**
   * HTTP2: the check is an HTTP/2 request (the target group's protocol version); GRPC: a gRPC call
   * over HTTP/2 whose `grpc-status` the matcher tests; default HTTP/1.1.
   */
  readonly version?: 'HTTP1' | 'HTTP2' | 'GRPC';
  readonly path: string;
  readonly port: 'traffic-port' | number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** `200`, `200,202`, `200-299`; gRPC status codes (`12`, `0-99`) when `version` is GRPC. */
  readonly matcher: string;
}

export interface StickinessSettings {
  readonly enabled: boolean;
  readonly type: 'lb_cookie' | 'app_cookie';
  readonly durationSeconds: number;
  readonly appCookieName?: string;
}

export interface TargetGroup {
  readonly arn: string;
  readonly name: string;
  /** HTTPS: the node re-encrypts to the targets (their certificates are not verified, as on ALB). */
  readonly protocol: 'HTTP' | 'HTTPS';
  /**
   * ELBv2's ProtocolVersion: HTTP1 (the default), HTTP2 (h2 over TLS when `protocol` is HTTPS,
   * prior-knowledge h2c otherwise) or GRPC (gRPC calls over the same h2, trailers relayed; see
   * proxy/grpc-forward.ts).
   */
  readonly protocolVersion?: 'HTTP1' | 'HTTP2' | 'GRPC';
  readonly algorithm: Algorithm;
  readonly stickiness: StickinessSettings;
  readonly slowStartSeconds: number;
  readonly deregistrationDelaySeconds: number;
  /** `target_group_health.unhealthy_state_routing.minimum_healthy_targets.count`. */
  readonly minimumHealthyTargets: number;
  readonly healthCheck: HealthCheckSettings;
  readonly targets: readonly Target[];
}

export type Condition =
  | { readonly field: 'host-header'; readonly values: readonly string[] }
  | { readonly field: 'path-pattern'; readonly values: readonly string[] }
  | { readonly field: 'http-header'; readonly headerName: string; readonly values: readonly string[] }
  | { readonly field: 'http-request-method'; readonly values: readonly string[] }
  | { readonly field: 'query-string'; readonly values: readonly { readonly key?: string; readonly value: string }[] }
  | { readonly field: 'source-ip'; readonly values: readonly string[] };

export interface ForwardAction {
  readonly type: 'forward';
  readonly targetGroups: readonly { readonly targetGroupArn: string; readonly weight: number }[];
  readonly stickiness?: { readonly enabled: boolean; readonly durationSeconds: number };
}
export type Action =
  | ForwardAction
  | { readonly type: 'redirect'; readonly redirect: RedirectConfig }
  | { readonly type: 'fixed-response'; readonly fixedResponse: FixedResponseConfig };

export interface Rule {
  readonly arn: string;
  readonly priority: number | 'default';
  readonly conditions: readonly Condition[];
  /** Only the terminal action matters to the data plane (authenticate-* is not supported). */
  readonly action: Action;
}

/** A security-group ingress permission, reduced to what a listener needs. */
export interface IngressRule {
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
}

export interface Listener {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly rules: readonly Rule[];
  /** Present exactly when `protocol` is HTTPS. */
  readonly tls?: ListenerTls;
}

/** One certificate as the data plane needs it; the load-balancer protocol carries it. */
export type { ListenerCertificate };

/** What an HTTPS listener terminates TLS with (issue 13). */
export interface ListenerTls {
  /** A name from `src/domain/elbv2/ssl-policy.ts`. */
  readonly sslPolicy: string;
  /** The listener's default certificate: clients without SNI, or with a name no certificate has. */
  readonly defaultCertificate: ListenerCertificate;
  /** AddListenerCertificates' extra certificates, chosen by SNI (exact name, then wildcard). */
  readonly certificates: readonly ListenerCertificate[];
}

export interface LoadBalancerAttributes {
  readonly idleTimeoutSeconds: number;
  readonly desyncMitigationMode: DesyncMode;
  readonly xffHeaderProcessingMode: XffMode;
  readonly xffClientPortEnabled: boolean;
  readonly preserveHostHeader: boolean;
  readonly dropInvalidHeaderFields: boolean;
  /** Not an ALB attribute (fixed at 10 s there); configurable so tests need not wait. */
  readonly connectTimeoutMs: number;
  /** Berth's `berth.listener.max_connections`: client connections one listener holds at most. */
  readonly maxConnectionsPerListener: number;
}

export const defaultLoadBalancerAttributes: LoadBalancerAttributes = Object.freeze({
  idleTimeoutSeconds: 60,
  desyncMitigationMode: 'defensive',
  xffHeaderProcessingMode: 'append',
  xffClientPortEnabled: false,
  preserveHostHeader: false,
  dropInvalidHeaderFields: false,
  connectTimeoutMs: 10_000,
  maxConnectionsPerListener: 10_000,
});

export interface LoadBalancer {
  readonly arn: string;
  readonly name: string;
  readonly scheme: 'internet-facing' | 'internal';
  /** Overrides the scheme's default (internal → 127.0.0.1, internet-facing → 0.0.0.0). */
  readonly bindAddress?: string;
  /** `null`: no security groups, everyone may connect. */
  readonly ingress: readonly IngressRule[] | null;
  readonly attributes: LoadBalancerAttributes;
}

export interface RoutingTableInput {
  readonly version?: number;
  readonly loadBalancers: readonly LoadBalancer[];
  readonly listeners: readonly Listener[];
  readonly targetGroups: readonly TargetGroup[];
}

/** A target group with what every request needs precomputed. */
export interface CompiledTargetGroup extends TargetGroup {
  /** Healthy (or unavailable: checks disabled) targets; all non-draining ones when fail-open applies. */
  readonly routable: readonly Target[];
  readonly failOpen: boolean;
  readonly byKey: ReadonlyMap<string, Target>;
  /** Keys of `routable`, for checking a sticky cookie without a scan. */
  readonly routableKeys: ReadonlySet<string>;
  /** How the node speaks to the targets, resolved once per table. */
  readonly transport: { readonly protocol: 'HTTP' | 'HTTPS'; readonly version: 'HTTP1' | 'HTTP2' | 'GRPC' };
}

export interface CompiledListener extends Listener {
  readonly loadBalancer: LoadBalancer;
  readonly bindAddress: string;
  readonly router: CompiledRules;
  /** Blocks allowing this port; null when no security group applies. */
  readonly allowed: readonly Cidr[] | null;
}

export interface RoutingTable {
  readonly version: number;
  readonly listeners: ReadonlyMap<number, CompiledListener>;
  readonly targetGroups: ReadonlyMap<string, CompiledTargetGroup>;
}

export function isRoutableHealth(state: TargetHealthState): boolean {
  return state === 'healthy' || state === 'unavailable';
}

export function compileTargetGroup(tg: TargetGroup): CompiledTargetGroup {
  const live = tg.targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
  const healthy = live.filter((t) => isRoutableHealth(t.state));
  const failOpen = healthy.length < Math.max(1, tg.minimumHealthyTargets) && live.length > 0;
  const routable = failOpen ? live : healthy;
  return {
    ...tg,
    routable,
    routableKeys: new Set(routable.map(targetKey)),
    failOpen,
    byKey: new Map(tg.targets.map((t) => [targetKey(t), t])),
    transport: { protocol: tg.protocol, version: tg.protocolVersion ?? 'HTTP1' },
  };
}

export function buildRoutingTable(input: RoutingTableInput): RoutingTable {
  const lbs = new Map(input.loadBalancers.map((lb) => [lb.arn, lb]));
  const targetGroups = new Map<string, CompiledTargetGroup>();
  for (const tg of input.targetGroups) targetGroups.set(tg.arn, compileTargetGroup(tg));
  const listeners = new Map<number, CompiledListener>();
  for (const l of input.listeners) {
    const lb = lbs.get(l.loadBalancerArn);
    if (!lb) throw new Error(`listener ${l.arn} names unknown load balancer ${l.loadBalancerArn}`);
    if (listeners.has(l.port)) throw new Error(`two listeners on port ${l.port}`);
    for (const r of l.rules) {
      if (r.action.type !== 'forward') continue;
      for (const g of r.action.targetGroups) {
        if (!targetGroups.has(g.targetGroupArn)) throw new Error(`rule ${r.arn} forwards to unknown ${g.targetGroupArn}`);
      }
    }
    const sorted = [...l.rules].sort(byPriority);
    if (sorted.length === 0 || sorted[sorted.length - 1]!.priority !== 'default') {
      throw new Error(`listener ${l.arn} has no default rule`);
    }
    const allowed = lb.ingress === null ? null : lb.ingress.filter((g) => g.fromPort <= l.port && l.port <= g.toPort).map((g) => parseCidr(g.cidr));
    listeners.set(l.port, {
      ...l,
      rules: sorted,
      loadBalancer: lb,
      bindAddress: lb.bindAddress ?? (lb.scheme === 'internal' ? '127.0.0.1' : '0.0.0.0'),
      router: compileRules(sorted),
      allowed,
    });
  }
  return deepFreeze({ version: input.version ?? 0, listeners, targetGroups });
}

function byPriority(a: Rule, b: Rule): number {
  if (a.priority === 'default') return b.priority === 'default' ? 0 : 1;
  if (b.priority === 'default') return -1;
  return a.priority - b.priority;
}

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return value;
  seen.add(value);
  // Maps cannot be frozen by Object.freeze; make their mutators throw instead.
  if (value instanceof Map || value instanceof Set) {
    for (const v of value.values()) deepFreeze(v, seen);
    const refuse = (): never => {
      throw new TypeError('routing table is immutable');
    };
    Object.defineProperties(value, { set: { value: refuse }, add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (!(value instanceof RegExp)) {
    for (const v of Object.values(value)) deepFreeze(v, seen);
  }
  return Object.freeze(value);
}
