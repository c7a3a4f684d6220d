/**
 * Attribute catalogues for ALB target groups and load balancers: every key AWS accepts, its default
 * and its rule. Describe* shows the whole catalogue; Modify* validates the changes and the result.
 */
import { AwsError } from '../aws-error.js';

type Check = (value: string) => string | undefined; // an error message, or undefined when valid

const bool: Check = (v) => (v === 'true' || v === 'false' ? undefined : 'must be true or false');
const int =
  (min: number, max: number): Check =>
  (v) =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be an integer between ${min} and ${max}`;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;
const any: Check = () => undefined;
const intOrOff =
  (min: number, max: number): Check =>
  (v) =>
    v === 'off' ? undefined : int(min, max)(v);

interface Entry {
  readonly defaultValue: string;
  readonly check: Check;
}

export type AttributeCatalogue = Readonly<Record<string, Entry>>;

export const targetGroupAttributeCatalogue: AttributeCatalogue = {
  'deregistration_delay.timeout_seconds': { defaultValue: '300', check: int(0, 3600) },
  'stickiness.enabled': { defaultValue: 'false', check: bool },
  'stickiness.type': { defaultValue: 'lb_cookie', check: oneOf('lb_cookie', 'app_cookie') },
  'stickiness.lb_cookie.duration_seconds': { defaultValue: '86400', check: int(1, 604800) },
  'stickiness.app_cookie.cookie_name': {
    defaultValue: '',
    check: (v) =>
      /^(AWSALB|AWSALBAPP|AWSALBTG)/i.test(v)
        ? 'cannot start with AWSALB, AWSALBAPP or AWSALBTG'
        : /^[A-Za-z0-9!#$%&'*+\-.^_`|~]*$/.test(v) && v.length <= 1024
          ? undefined
          : 'is not a valid cookie name',
  },
  'stickiness.app_cookie.duration_seconds': { defaultValue: '86400', check: int(1, 604800) },
  'load_balancing.algorithm.type': {
    defaultValue: 'round_robin',
    check: oneOf('round_robin', 'least_outstanding_requests', 'weighted_random'),
  },
  'load_balancing.algorithm.anomaly_mitigation': { defaultValue: 'off', check: oneOf('on', 'off') },
  'slow_start.duration_seconds': {
    defaultValue: '0',
    check: (v) => (v === '0' ? undefined : int(30, 900)(v) && 'must be 0 or between 30 and 900'),
  },
  'load_balancing.cross_zone.enabled': {
    defaultValue: 'use_load_balancer_configuration',
    check: oneOf('true', 'false', 'use_load_balancer_configuration'),
  },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': { defaultValue: '1', check: int(1, 1000) },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': { defaultValue: 'off', check: intOrOff(1, 100) },
  'target_group_health.dns_failover.minimum_healthy_targets.count': { defaultValue: '1', check: (v) => (v === 'off' ? undefined : int(1, 1000)(v)) },
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': { defaultValue: 'off', check: intOrOff(1, 100) },
};

export const loadBalancerAttributeCatalogue: AttributeCatalogue = {
  'idle_timeout.timeout_seconds': { defaultValue: '60', check: int(1, 4000) },
  'client_keep_alive.seconds': { defaultValue: '3600', check: int(60, 604800) },
  'deletion_protection.enabled': { defaultValue: 'false', check: bool },
  'load_balancing.cross_zone.enabled': { defaultValue: 'true', check: bool },
  'access_logs.s3.enabled': { defaultValue: 'false', check: bool },
  'access_logs.s3.bucket': { defaultValue: '', check: any },
  'access_logs.s3.prefix': { defaultValue: '', check: any },
  'connection_logs.s3.enabled': { defaultValue: 'false', check: bool },
  'connection_logs.s3.bucket': { defaultValue: '', check: any },
  'connection_logs.s3.prefix': { defaultValue: '', check: any },
  'health_check_logs.s3.enabled': { defaultValue: 'false', check: bool },
  'health_check_logs.s3.bucket': { defaultValue: '', check: any },
  'health_check_logs.s3.prefix': { defaultValue: '', check: any },
  'routing.http.desync_mitigation_mode': { defaultValue: 'defensive', check: oneOf('monitor', 'defensive', 'strictest') },
  'routing.http.drop_invalid_header_fields.enabled': { defaultValue: 'false', check: bool },
  'routing.http.preserve_host_header.enabled': { defaultValue: 'false', check: bool },
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': { defaultValue: 'false', check: bool },
  'routing.http.xff_client_port.enabled': { defaultValue: 'false', check: bool },
  'routing.http.xff_header_processing.mode': { defaultValue: 'append', check: oneOf('append', 'preserve', 'remove') },
  'routing.http2.enabled': { defaultValue: 'true', check: bool },
  'waf.fail_open.enabled': { defaultValue: 'false', check: bool },
  'zonal_shift.config.enabled': { defaultValue: 'false', check: bool },
  // Berth's own (docs/differences.md): client connections one listener holds at most.
  'berth.listener.max_connections': { defaultValue: '10000', check: int(1, 1_000_000) },
};

/**
 * Listener attributes Berth honours. The ALB's others are request-header renames for mutual TLS and
 * response headers the proxy does not add; they are refused by name until it does.
 */
export const listenerAttributeCatalogue: AttributeCatalogue = {
  // Berth's own responses (errors, redirects, fixed responses) always carry `Server: awselb/2.0`.
  'routing.http.response.server.enabled': {
    defaultValue: 'true',
    check: (v) => (v === 'true' ? undefined : 'must be true: Berth always sends the Server header on the responses it makes'),
  },
};

export function defaultAttributes(catalogue: AttributeCatalogue): Record<string, string> {
  return Object.fromEntries(Object.entries(catalogue).map(([k, e]) => [k, e.defaultValue]));
}

/** The full list in catalogue order, stored values over defaults: what Describe*Attributes returns. */
export function attributeList(catalogue: AttributeCatalogue, stored: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(catalogue).map(([Key, e]) => ({ Key, Value: stored[Key] ?? e.defaultValue }));
}

/** Rules between attributes, checked on the merged result. */
function crossCheckTargetGroup(a: Record<string, string>): void {
  const lor = a['load_balancing.algorithm.type'] === 'least_outstanding_requests';
  if (lor && a['slow_start.duration_seconds'] !== '0') {
    throw new AwsError('InvalidConfigurationRequest', 'Slow start cannot be combined with the least outstanding requests algorithm');
  }
  if (a['load_balancing.algorithm.anomaly_mitigation'] === 'on' && a['load_balancing.algorithm.type'] !== 'weighted_random') {
    throw new AwsError('InvalidConfigurationRequest', 'Anomaly mitigation is only available with the weighted_random algorithm');
  }
  if (a['stickiness.enabled'] === 'true' && a['stickiness.type'] === 'app_cookie' && !a['stickiness.app_cookie.cookie_name']) {
    throw new AwsError('InvalidConfigurationRequest', 'An application cookie name is required for app_cookie stickiness');
  }
}

function crossCheckLoadBalancer(a: Record<string, string>, before: Record<string, string>): void {
  if (a['load_balancing.cross_zone.enabled'] !== (before['load_balancing.cross_zone.enabled'] ?? 'true')) {
    throw new AwsError('InvalidConfigurationRequest', 'Cross-zone load balancing cannot be disabled on an application load balancer');
  }
}

function merge(
  catalogue: AttributeCatalogue,
  stored: Record<string, string>,
  changes: ReadonlyArray<{ Key?: string; Value?: string }>,
): Record<string, string> {
  if (changes.length === 0) throw new AwsError('ValidationError', 'At least one attribute must be specified');
  if (changes.length > 20) throw new AwsError('ValidationError', 'At most 20 attributes can be modified at once');
  const next = { ...defaultAttributes(catalogue), ...stored };
  for (const { Key, Value } of changes) {
    if (Key === undefined || !(Key in catalogue)) {
      throw new AwsError('ValidationError', `Attribute key '${Key}' is not recognized`);
    }
    const value = Value ?? '';
    const problem = catalogue[Key]!.check(value);
    if (problem) throw new AwsError('ValidationError', `Attribute '${Key}' value '${value}' ${problem}`);
    next[Key] = value;
  }
  return next;
}

export function modifyTargetGroupAttributes(stored: Record<string, string>, changes: ReadonlyArray<{ Key?: string; Value?: string }>): Record<string, string> {
  const next = merge(targetGroupAttributeCatalogue, stored, changes);
  crossCheckTargetGroup(next);
  return next;
}

export function modifyListenerAttributes(stored: Record<string, string>, changes: ReadonlyArray<{ Key?: string; Value?: string }>): Record<string, string> {
  return merge(listenerAttributeCatalogue, stored, changes);
}

export function modifyLoadBalancerAttributes(stored: Record<string, string>, changes: ReadonlyArray<{ Key?: string; Value?: string }>): Record<string, string> {
  const next = merge(loadBalancerAttributeCatalogue, stored, changes);
  crossCheckLoadBalancer(next, { ...defaultAttributes(loadBalancerAttributeCatalogue), ...stored });
  return next;
}
