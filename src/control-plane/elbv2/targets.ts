/** RegisterTargets, DeregisterTargets and DescribeTargetHealth, keyed by (Id, Port). */
import { isIP } from 'node:net';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import {
  describeTarget,
  ipTargetProblem,
  newRegistration,
  notRegistered,
  registrationExpired,
  startDraining,
  type TargetRecord,
} from '../../domain/elbv2/target.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { TargetDescription } from '../api/wire-types/elbv2.js';
import type { Elbv2Deps } from './deps.js';
import { getTargetGroup, idOf } from './repository.js';
import { listAll, transact } from './transact.js';

export const MAX_TARGETS_PER_TARGET_GROUP = 1000;

interface Wanted {
  Id: string;
  Port: number;
  AvailabilityZone?: string;
}

/** Port defaults to the group's port; without one, AWS silently leaves dynamic-port targets alone. */
function wanted(tg: TargetGroupRecord, targets: readonly TargetDescription[] | undefined): Wanted[] {
  if (!targets || targets.length === 0) throw new AwsError('ValidationError', 'At least one target must be specified');
  const seen = new Map<string, Wanted>();
  for (const t of targets) {
    if (typeof t.Id !== 'string' || t.Id === '') throw new AwsError('ValidationError', 'Target Id must be specified');
    const port = t.Port ?? tg.Port;
    if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new AwsError('ValidationError', 'Target port must be between 1 and 65535');
    if (tg.TargetType === 'ip' && !isIP(t.Id)) throw new AwsError('InvalidTarget', `The IP address '${t.Id}' is not a valid target`);
    seen.set(`${t.Id}:${port}`, { Id: t.Id, Port: port, ...(t.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}) });
  }
  return [...seen.values()];
}

export function targetHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store, clock } = deps;
  return {
    async RegisterTargets(input): Reply<'elbv2', 'RegisterTargets'> {
      await transact(store, async (tx) => {
        const tg = await getTargetGroup(tx, input.TargetGroupArn);
        const tgId = idOf.targetGroup(tg.TargetGroupArn);
        const now = clock.now();
        const current = (await listAll<TargetRecord>(store, keys.targetsOf(tgId))).filter((r) => !registrationExpired(r.value, now));
        let count = current.length;
        const targets = wanted(tg, input.Targets);
        // Only registration is refused: a target registered before the rule can still be removed.
        for (const t of targets) {
          const problem = tg.TargetType === 'ip' ? ipTargetProblem(t.Id, deps.allowLoopbackTargets ?? false) : undefined;
          if (problem !== undefined) throw new AwsError('InvalidTarget', problem);
        }
        for (const t of targets) {
          const key = keys.target(tgId, t.Id, t.Port);
          const existing = await tx.get<TargetRecord>(key);
          const live = existing && !registrationExpired(existing, now);
          if (live && existing.state !== 'draining') continue; // re-registering a registered pair does nothing
          if (!live) count++;
          tx.put(key, newRegistration(tg.TargetGroupArn, t.Id, t.Port, t.AvailabilityZone, now));
        }
        if (count > MAX_TARGETS_PER_TARGET_GROUP) {
          throw new AwsError('TooManyTargets', `A target group can have at most ${MAX_TARGETS_PER_TARGET_GROUP} targets`);
        }
      });
      return {};
    },

    async DeregisterTargets(input): Reply<'elbv2', 'DeregisterTargets'> {
      await transact(store, async (tx) => {
        const tg = await getTargetGroup(tx, input.TargetGroupArn);
        const tgId = idOf.targetGroup(tg.TargetGroupArn);
        const now = clock.now();
        const delay = Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? '300');
        for (const t of wanted(tg, input.Targets)) {
          const key = keys.target(tgId, t.Id, t.Port);
          const existing = await tx.get<TargetRecord>(key);
          if (!existing) continue; // AWS: deregistering a target that is not registered succeeds
          if (registrationExpired(existing, now)) tx.delete(key);
          else if (existing.state === 'draining') continue;
          // Nothing routes to a group no LB uses, and a zero delay has nothing to wait for.
          else if (tg.LoadBalancerArns.length === 0 || delay === 0) tx.delete(key);
          else tx.put(key, startDraining(existing, now, delay));
        }
      });
      return {};
    },

    async DescribeTargetHealth(input, ctx): Reply<'elbv2', 'DescribeTargetHealth'> {
      const tg = await transact(store, (tx) => getTargetGroup(tx, input.TargetGroupArn, ctx));
      const tgId = idOf.targetGroup(tg.TargetGroupArn);
      const now = clock.now();
      const records = (await listAll<TargetRecord>(store, keys.targetsOf(tgId))).map((r) => r.value);
      const live = records.filter((r) => !registrationExpired(r, now));
      const asked = input.Targets?.length ? input.Targets : undefined;
      if (!asked) return { TargetHealthDescriptions: live.map((r) => describeTarget(r, tg, now)) };
      const out = [];
      for (const t of asked) {
        if (typeof t.Id !== 'string' || t.Id === '') throw new AwsError('ValidationError', 'Target Id must be specified');
        // Asked without a port: every registration of that Id, as AWS answers for dynamic ports.
        const matches = live.filter((r) => r.Id === t.Id && (t.Port === undefined || r.Port === t.Port));
        if (matches.length > 0) out.push(...matches.map((r) => describeTarget(r, tg, now)));
        else out.push(notRegistered({ Id: t.Id, Port: t.Port ?? tg.Port ?? 0 }, tg));
      }
      return { TargetHealthDescriptions: out };
    },
  };
}
