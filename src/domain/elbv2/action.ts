/**
 * Listener and rule actions: validation and the normal form Berth stores and returns. A forward
 * action is stored in both forms AWS shows (TargetGroupArn when there is one group, and ForwardConfig),
 * so readers (the routing table) only ever look at ForwardConfig.
 */
import { AwsError } from '../aws-error.js';
import { isArnOfKind, notAnArn } from './arn.js';

export interface TargetGroupTuple {
  TargetGroupArn: string;
  Weight: number;
}

export interface Action {
  Type: 'forward' | 'redirect' | 'fixed-response';
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups: TargetGroupTuple[];
    TargetGroupStickinessConfig: { Enabled: boolean; DurationSeconds?: number };
  };
  RedirectConfig?: { Protocol: string; Port: string; Host: string; Path: string; Query: string; StatusCode: string };
  FixedResponseConfig?: { StatusCode: string; ContentType?: string; MessageBody?: string };
}

/** An action as a request gives it (CreateListener, CreateRule, ModifyRule): what this file reads, every member possibly absent. */
export interface ActionRequest {
  readonly Type?: string;
  readonly Order?: number;
  readonly TargetGroupArn?: string;
  readonly ForwardConfig?: {
    readonly TargetGroups?: readonly { readonly TargetGroupArn?: string; readonly Weight?: number }[];
    readonly TargetGroupStickinessConfig?: { readonly Enabled?: boolean; readonly DurationSeconds?: number };
  };
  readonly RedirectConfig?: {
    readonly Protocol?: string;
    readonly Port?: string;
    readonly Host?: string;
    readonly Path?: string;
    readonly Query?: string;
    readonly StatusCode?: string;
  };
  readonly FixedResponseConfig?: { readonly StatusCode?: string; readonly ContentType?: string; readonly MessageBody?: string };
}

const invalid = (message: string) => new AwsError('InvalidLoadBalancerAction', message);
const validation = (message: string) => new AwsError('ValidationError', message);

export const MAX_TARGET_GROUPS_PER_FORWARD = 5;

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

function checkTargetGroupArn(arn: unknown): string {
  // A target-group-shaped ARN that names nothing is TargetGroupNotFound, decided where groups are read.
  if (!isArnOfKind(arn, 'targetgroup')) throw notAnArn(arn, 'targetgroup');
  return arn;
}

function forward(input: ActionRequest): Action {
  const tuples = input.ForwardConfig?.TargetGroups;
  let groups: TargetGroupTuple[];
  if (tuples && tuples.length > 0) {
    if (tuples.length > MAX_TARGET_GROUPS_PER_FORWARD) {
      throw validation(`A forward action can have at most ${MAX_TARGET_GROUPS_PER_FORWARD} target groups`);
    }
    groups = tuples.map((t) => {
      const weight = t.Weight ?? 1;
      if (!Number.isInteger(weight) || weight < 0 || weight > 999) throw validation('Target group weight must be between 0 and 999');
      return { TargetGroupArn: checkTargetGroupArn(t.TargetGroupArn), Weight: weight };
    });
    if (new Set(groups.map((g) => g.TargetGroupArn)).size !== groups.length) {
      throw validation('A target group can appear only once in a forward action');
    }
    if (input.TargetGroupArn !== undefined && (groups.length !== 1 || groups[0]!.TargetGroupArn !== input.TargetGroupArn)) {
      throw invalid('TargetGroupArn and ForwardConfig must name the same single target group when both are given');
    }
  } else if (input.TargetGroupArn !== undefined) {
    groups = [{ TargetGroupArn: checkTargetGroupArn(input.TargetGroupArn), Weight: 1 }];
  } else {
    throw validation('A forward action needs a TargetGroupArn or a ForwardConfig with target groups');
  }
  const sticky = input.ForwardConfig?.TargetGroupStickinessConfig;
  const stickiness: { Enabled: boolean; DurationSeconds?: number } = { Enabled: sticky?.Enabled ?? false };
  if (stickiness.Enabled) {
    const d = sticky?.DurationSeconds;
    if (d === undefined || !Number.isInteger(d) || d < 1 || d > 604800) {
      throw validation('Target group stickiness needs DurationSeconds between 1 and 604800');
    }
    stickiness.DurationSeconds = d;
  }
  return {
    Type: 'forward',
    ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.TargetGroupArn } : {}),
    ForwardConfig: { TargetGroups: groups, TargetGroupStickinessConfig: stickiness },
  };
}

function redirect(input: ActionRequest): Action {
  const c = input.RedirectConfig;
  if (!c) throw validation('A redirect action needs a RedirectConfig');
  if (c.StatusCode !== 'HTTP_301' && c.StatusCode !== 'HTTP_302') throw validation('Redirect StatusCode must be HTTP_301 or HTTP_302');
  const config = {
    Protocol: c.Protocol ?? '#{protocol}',
    Port: c.Port ?? '#{port}',
    Host: c.Host ?? '#{host}',
    Path: c.Path ?? '/#{path}',
    Query: c.Query ?? '#{query}',
    StatusCode: c.StatusCode,
  };
  if (!['HTTP', 'HTTPS', '#{protocol}'].includes(config.Protocol)) throw validation('Redirect Protocol must be HTTP, HTTPS or #{protocol}');
  if (config.Port !== '#{port}' && !(/^\d+$/.test(config.Port) && +config.Port >= 1 && +config.Port <= 65535)) {
    throw validation('Redirect Port must be #{port} or between 1 and 65535');
  }
  if (!config.Path.startsWith('/')) throw validation('Redirect Path must begin with /');
  if (config.Host.length < 1 || config.Host.length > 128 || config.Path.length > 128 || config.Query.length > 128) {
    throw validation('Redirect Host, Path and Query must be at most 128 characters (Host at least 1)');
  }
  const unchanged =
    config.Protocol === '#{protocol}' && config.Port === '#{port}' && config.Host === '#{host}' && config.Path === '/#{path}' && config.Query === '#{query}';
  // A redirect to the very URL that was asked for would loop forever.
  if (unchanged) throw invalid('A redirect must change at least one of protocol, port, host, path or query');
  return { Type: 'redirect', RedirectConfig: config };
}

function fixedResponse(input: ActionRequest): Action {
  const c = input.FixedResponseConfig;
  if (!c) throw validation('A fixed-response action needs a FixedResponseConfig');
  if (typeof c.StatusCode !== 'string' || !/^(2|4|5)\d\d$/.test(c.StatusCode)) {
    throw validation('Fixed response StatusCode must be 2XX, 4XX or 5XX');
  }
  if (c.ContentType !== undefined && !CONTENT_TYPES.includes(c.ContentType)) {
    // AWS refuses an unknown content type as a configuration it cannot serve, not as a malformed request.
    throw new AwsError(
      'InvalidConfigurationRequest',
      `The content type '${c.ContentType}' of FixedResponseConfig.ContentType is not valid; valid values: ${CONTENT_TYPES.join(' | ')}`,
    );
  }
  if (c.MessageBody !== undefined && Buffer.byteLength(c.MessageBody, 'utf8') > 1024) {
    throw validation('Fixed response MessageBody can be at most 1024 bytes');
  }
  return {
    Type: 'fixed-response',
    FixedResponseConfig: {
      StatusCode: c.StatusCode,
      ...(c.ContentType !== undefined ? { ContentType: c.ContentType } : {}),
      ...(c.MessageBody !== undefined ? { MessageBody: c.MessageBody } : {}),
    },
  };
}

/**
 * Validates a list of actions and returns them normalized, sorted by Order. Berth serves HTTP
 * listeners only, so authenticate-* and jwt-validation actions (HTTPS-only on AWS) are refused,
 * which leaves exactly one terminal action per list.
 */
export function normalizeActions(actions: readonly ActionRequest[] | undefined): Action[] {
  if (!actions || actions.length === 0) throw validation('At least one action must be specified');
  if (actions.length > 1 && actions.some((a) => a.Order === undefined)) {
    throw validation('Order must be specified for every action when there is more than one');
  }
  const orders = actions.map((a) => a.Order).filter((o): o is number => o !== undefined);
  if (orders.some((o) => !Number.isInteger(o) || o < 1 || o > 50000)) throw validation('Action Order must be between 1 and 50000');
  if (new Set(orders).size !== orders.length) throw validation('Action Order values must be unique');
  const sorted = [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
  const out = sorted.map((a): Action => {
    let action: Action;
    switch (a.Type) {
      case 'forward':
        action = forward(a);
        break;
      case 'redirect':
        action = redirect(a);
        break;
      case 'fixed-response':
        action = fixedResponse(a);
        break;
      case 'authenticate-oidc':
      case 'authenticate-cognito':
      case 'jwt-validation':
        throw invalid(`Action type '${a.Type}' is supported only on HTTPS listeners, and Berth serves HTTP listeners only`);
      default:
        throw validation(`Action type '${String(a.Type)}' is not valid`);
    }
    return a.Order !== undefined ? { ...action, Order: a.Order } : action;
  });
  if (out.length > 1) throw invalid('Only one terminal action (forward, redirect or fixed-response) is allowed, and it must be last');
  return out;
}

/** Every target group the actions forward to, each once. */
export function actionTargetGroupArns(actions: readonly Action[]): string[] {
  const arns = new Set<string>();
  for (const a of actions) for (const t of a.ForwardConfig?.TargetGroups ?? []) arns.add(t.TargetGroupArn);
  return [...arns];
}
