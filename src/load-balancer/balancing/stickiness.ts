/**
 * Sticky choice of a target, then of a target group (pure: `now` and `random` come in).
 * Stickiness overrides the algorithm after the first pick; a cookie naming a target that is no
 * longer routable (unhealthy, draining, deregistered) falls back to the algorithm and is reset.
 */
import type { CompiledTargetGroup, ForwardAction, Target } from '../routing-table.js';
import { weightedIndex, type Balancer, type PickContext } from './balancer.js';
import { appCookie, decodeSticky, lbCookie, lbCorsCookie, readCookie, tgCookie, tgCorsCookie } from './sticky-cookie.js';

export interface TargetChoice {
  readonly target: Target;
  /** True when the request's cookie chose the target. */
  readonly stuck: boolean;
}

export function chooseTarget(
  balancer: Balancer,
  group: CompiledTargetGroup,
  rawHeaders: readonly string[],
  secret: Buffer,
  ctx: PickContext,
): TargetChoice | undefined {
  const s = group.stickiness;
  if (s.enabled) {
    const cookie = s.type === 'lb_cookie' ? (readCookie(rawHeaders, lbCookie) ?? readCookie(rawHeaders, lbCorsCookie)) : readCookie(rawHeaders, appCookie);
    const key = cookie === undefined ? undefined : decodeSticky(secret, group.arn, cookie, ctx.now);
    if (key !== undefined && group.routableKeys.has(key) && !ctx.exclude?.has(key)) {
      return { target: group.byKey.get(key)!, stuck: true };
    }
  }
  const target = balancer.pick(group, ctx);
  return target === undefined ? undefined : { target, stuck: false };
}

export interface GroupChoice {
  readonly targetGroupArn: string;
  /** Group stickiness is on: the response should (re)set AWSALBTG. */
  readonly sticky: boolean;
}

export function chooseTargetGroup(action: ForwardAction, rawHeaders: readonly string[], secret: Buffer, ctx: PickContext): GroupChoice {
  const groups = action.targetGroups;
  const sticky = action.stickiness?.enabled === true && groups.length > 1;
  if (groups.length === 1) return { targetGroupArn: groups[0]!.targetGroupArn, sticky: false };
  if (sticky) {
    const cookie = readCookie(rawHeaders, tgCookie) ?? readCookie(rawHeaders, tgCorsCookie);
    const arn = cookie === undefined ? undefined : decodeSticky(secret, 'tg', cookie, ctx.now);
    if (arn !== undefined && groups.some((g) => g.targetGroupArn === arn && g.weight > 0)) return { targetGroupArn: arn, sticky };
  }
  const i = weightedIndex(
    groups.map((g) => g.weight),
    ctx.random.next(),
  );
  return { targetGroupArn: groups[i]!.targetGroupArn, sticky };
}
