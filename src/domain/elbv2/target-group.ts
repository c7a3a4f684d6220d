/**
 * The target group record and its settings rules. The record is stored close to the API shape, so
 * Describe returns it with few changes and other subsystems (ECS registration, the health checker,
 * the routing table) read the same names AWS uses.
 */
import { AwsError } from '../aws-error.js';
import { defaultGrpcCode, defaultHttpCode, parseGrpcCodeMatcher, parseHttpCodeMatcher } from './matcher.js';

export interface TargetGroupRecord {
  TargetGroupArn: string;
  TargetGroupName: string;
  TargetType: 'instance' | 'ip' | 'lambda' | 'alb';
  Protocol?: string;
  ProtocolVersion?: string;
  Port?: number;
  VpcId?: string;
  IpAddressType: string;
  HealthCheckProtocol?: string;
  /** `traffic-port` (each target's own port) or a fixed port as a string. */
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  /** HttpCode for HTTP1/HTTP2 target groups, GrpcCode for GRPC ones: never both. */
  Matcher?: TargetGroupMatcher;
  /** The load balancers whose listeners or rules forward here (an ALB target group has at most one). */
  LoadBalancerArns: string[];
  attributes: Record<string, string>;
  createdAt: number;
}

export type TargetGroupMatcher = { HttpCode: string; GrpcCode?: undefined } | { GrpcCode: string; HttpCode?: undefined };

/** ALB's default path for gRPC checks: a method servers do not implement, so they answer 12 (the default GrpcCode). */
export const defaultGrpcHealthCheckPath = '/AWS.ALB/healthcheck';

/**
 * The matcher a protocol version takes: GrpcCode for GRPC, HttpCode otherwise. The other kind is
 * refused naming the member, never stored and ignored.
 */
function matcherFor(version: string, asked: { HttpCode?: string; GrpcCode?: string } | undefined): TargetGroupMatcher {
  if (version === 'GRPC') {
    if (asked?.HttpCode !== undefined) {
      throw new AwsError('ValidationError', "Matcher.HttpCode cannot be used with protocol version 'GRPC'; specify Matcher.GrpcCode (gRPC status codes 0-99)");
    }
    const code = asked?.GrpcCode ?? defaultGrpcCode;
    parseGrpcCodeMatcher(code);
    return { GrpcCode: code };
  }
  if (asked?.GrpcCode !== undefined) {
    throw new AwsError('ValidationError', `Matcher.GrpcCode can be used only with protocol version 'GRPC', not '${version}'; specify Matcher.HttpCode`);
  }
  const code = asked?.HttpCode ?? defaultHttpCode;
  parseHttpCodeMatcher(code);
  return { HttpCode: code };
}

/** The settings a caller chooses: what makes two CreateTargetGroup calls "the same". */
export type TargetGroupSettings = Omit<TargetGroupRecord, 'TargetGroupArn' | 'LoadBalancerArns' | 'attributes' | 'createdAt'>;

const TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb'] as const;

function range(value: number, min: number, max: number, member: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AwsError('ValidationError', `${member} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function healthCheckPort(value: string | undefined): string {
  if (value === undefined || value === 'traffic-port') return 'traffic-port';
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
    throw new AwsError('ValidationError', `Health check port '${value}' must be 'traffic-port' or between 1 and 65535`);
  }
  return String(n);
}

/** Interval, timeout and thresholds checked together, because the timeout must be below the interval. */
/**
 * ALB's default timeout is 5 s, which an interval of 5 s (the shortest) would reject. A user who
 * asks only for a short interval wants it to work: the default timeout stays below the interval.
 */
export function defaultTimeout(intervalSeconds: number): number {
  return Math.max(2, Math.min(5, intervalSeconds - 1));
}

function checkHealthTimes(
  s: Pick<TargetGroupSettings, 'HealthCheckIntervalSeconds' | 'HealthCheckTimeoutSeconds' | 'HealthyThresholdCount' | 'UnhealthyThresholdCount'>,
): void {
  range(s.HealthCheckIntervalSeconds, 5, 300, 'HealthCheckIntervalSeconds');
  range(s.HealthCheckTimeoutSeconds, 2, 120, 'HealthCheckTimeoutSeconds');
  range(s.HealthyThresholdCount, 2, 10, 'HealthyThresholdCount');
  range(s.UnhealthyThresholdCount, 2, 10, 'UnhealthyThresholdCount');
  if (s.HealthCheckTimeoutSeconds >= s.HealthCheckIntervalSeconds) {
    throw new AwsError('ValidationError', 'Health check timeout must be smaller than the interval');
  }
}

function checkPath(path: string): string {
  if (!path.startsWith('/') || path.length > 1024) {
    throw new AwsError('ValidationError', `Health check path '${path}' must begin with '/' and be at most 1024 characters`);
  }
  return path;
}

/** CreateTargetGroup input → validated settings with ALB defaults filled in. */
export function resolveTargetGroupSettings(
  input: {
    Name: string;
    Protocol?: string;
    ProtocolVersion?: string;
    Port?: number;
    VpcId?: string;
    HealthCheckProtocol?: string;
    HealthCheckPort?: string;
    HealthCheckEnabled?: boolean;
    HealthCheckPath?: string;
    HealthCheckIntervalSeconds?: number;
    HealthCheckTimeoutSeconds?: number;
    HealthyThresholdCount?: number;
    UnhealthyThresholdCount?: number;
    Matcher?: { HttpCode?: string; GrpcCode?: string };
    TargetType?: string;
    IpAddressType?: string;
  },
  defaultVpcId: string,
): TargetGroupSettings {
  const targetType = (input.TargetType ?? 'instance') as TargetGroupSettings['TargetType'];
  if (!TARGET_TYPES.includes(targetType)) throw new AwsError('ValidationError', `Target type '${targetType}' is not valid`);
  if (targetType === 'lambda') {
    throw new AwsError('InvalidConfigurationRequest', 'Berth does not run Lambda target groups');
  }
  const protocol = input.Protocol;
  if (protocol === undefined || input.Port === undefined) {
    throw new AwsError('ValidationError', `A protocol and a port must be specified for target type '${targetType}'`);
  }
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    throw new AwsError('ValidationError', `Protocol '${protocol}' is not supported by application load balancer target groups`);
  }
  range(input.Port, 1, 65535, 'Port');
  const hcProtocol = input.HealthCheckProtocol ?? protocol;
  if (hcProtocol !== 'HTTP' && hcProtocol !== 'HTTPS') {
    throw new AwsError('ValidationError', `Health check protocol '${hcProtocol}' is not supported`);
  }
  const version = input.ProtocolVersion ?? 'HTTP1';
  if (!['HTTP1', 'HTTP2', 'GRPC'].includes(version)) {
    throw new AwsError('ValidationError', `Protocol version '${version}' is not valid`);
  }
  const settings: TargetGroupSettings = {
    TargetGroupName: input.Name,
    TargetType: targetType,
    Protocol: protocol,
    ProtocolVersion: version,
    Port: input.Port,
    VpcId: input.VpcId ?? defaultVpcId,
    IpAddressType: input.IpAddressType ?? 'ipv4',
    HealthCheckProtocol: hcProtocol,
    HealthCheckPort: healthCheckPort(input.HealthCheckPort),
    HealthCheckEnabled: input.HealthCheckEnabled ?? true,
    HealthCheckPath: checkPath(input.HealthCheckPath ?? (version === 'GRPC' ? defaultGrpcHealthCheckPath : '/')),
    HealthCheckIntervalSeconds: input.HealthCheckIntervalSeconds ?? 30,
    HealthCheckTimeoutSeconds: input.HealthCheckTimeoutSeconds ?? defaultTimeout(input.HealthCheckIntervalSeconds ?? 30),
    HealthyThresholdCount: input.HealthyThresholdCount ?? 5,
    UnhealthyThresholdCount: input.UnhealthyThresholdCount ?? 2,
    Matcher: matcherFor(version, input.Matcher),
  };
  checkHealthTimes(settings);
  return settings;
}

const SETTING_KEYS: Array<keyof TargetGroupSettings> = [
  'TargetType',
  'Protocol',
  'ProtocolVersion',
  'Port',
  'VpcId',
  'IpAddressType',
  'HealthCheckProtocol',
  'HealthCheckPort',
  'HealthCheckEnabled',
  'HealthCheckPath',
  'HealthCheckIntervalSeconds',
  'HealthCheckTimeoutSeconds',
  'HealthyThresholdCount',
  'UnhealthyThresholdCount',
];

/** CreateTargetGroup is idempotent only when every setting is the same as the existing group's. */
export function sameTargetGroupSettings(a: TargetGroupSettings, b: TargetGroupSettings): boolean {
  return SETTING_KEYS.every((k) => a[k] === b[k]) && a.Matcher?.HttpCode === b.Matcher?.HttpCode && a.Matcher?.GrpcCode === b.Matcher?.GrpcCode;
}

export interface ModifyTargetGroupInput {
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckPath?: string;
  HealthCheckEnabled?: boolean;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: { HttpCode?: string; GrpcCode?: string };
}

/** ModifyTargetGroup: only the fields sent change; the result is validated as a whole. */
export function modifyTargetGroup(tg: TargetGroupRecord, input: ModifyTargetGroupInput): TargetGroupRecord {
  const next: TargetGroupRecord = { ...tg };
  if (input.HealthCheckProtocol !== undefined) {
    if (input.HealthCheckProtocol !== 'HTTP' && input.HealthCheckProtocol !== 'HTTPS') {
      throw new AwsError('ValidationError', `Health check protocol '${input.HealthCheckProtocol}' is not supported`);
    }
    next.HealthCheckProtocol = input.HealthCheckProtocol;
  }
  if (input.HealthCheckPort !== undefined) next.HealthCheckPort = healthCheckPort(input.HealthCheckPort);
  if (input.HealthCheckPath !== undefined) next.HealthCheckPath = checkPath(input.HealthCheckPath);
  if (input.HealthCheckEnabled !== undefined) next.HealthCheckEnabled = input.HealthCheckEnabled;
  if (input.HealthCheckIntervalSeconds !== undefined) next.HealthCheckIntervalSeconds = input.HealthCheckIntervalSeconds;
  if (input.HealthCheckTimeoutSeconds !== undefined) next.HealthCheckTimeoutSeconds = input.HealthCheckTimeoutSeconds;
  if (input.HealthyThresholdCount !== undefined) next.HealthyThresholdCount = input.HealthyThresholdCount;
  if (input.UnhealthyThresholdCount !== undefined) next.UnhealthyThresholdCount = input.UnhealthyThresholdCount;
  if (input.Matcher?.HttpCode !== undefined || input.Matcher?.GrpcCode !== undefined) {
    next.Matcher = matcherFor(tg.ProtocolVersion ?? 'HTTP1', input.Matcher);
  }
  checkHealthTimes(next);
  return next;
}

/** The API view: the record without Berth's own bookkeeping. */
export function targetGroupView(tg: TargetGroupRecord): Record<string, unknown> {
  const { attributes: _a, createdAt: _c, ...view } = tg;
  return view;
}
