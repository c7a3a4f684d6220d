/** CreateRule, DescribeRules, ModifyRule, DeleteRule, SetRulePriorities. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { elbv2Arn } from '../../domain/elbv2/arn.js';
import { normalizeActions } from '../../domain/elbv2/action.js';
import { normalizeConditions } from '../../domain/elbv2/condition.js';
import { addTags } from '../../domain/elbv2/tags.js';
import { compareRules, MAX_RULES_PER_LOAD_BALANCER, parsePriority, ruleView, type RuleRecord } from '../../domain/elbv2/listener.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { syncAttachments } from './attachment.js';
import { page } from './paging.js';
import { getListener, getLoadBalancer, getRule, idOf, rulesOf } from './repository.js';
import { transact, type Tx } from './transact.js';
import { checkGrpcListener } from './grpc-listener-check.js';

function priorityOf(value: unknown): string {
  const n = parsePriority(value);
  if (n === undefined) throw new AwsError('ValidationError', `Priority '${String(value)}' must be between 1 and 50000`);
  return String(n);
}

// AWS's wording.
const priorityInUse = (p: string) => new AwsError('PriorityInUse', `Priority '${p}' is currently in use`);

export function ruleHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store, clock, random } = deps;
  return {
    async CreateRule(input, ctx): Reply<'elbv2', 'CreateRule'> {
      const priority = priorityOf(input.Priority);
      const conditions = normalizeConditions(input.Conditions);
      const actions = normalizeActions(input.Actions);
      const tags = addTags({}, input.Tags ?? []);
      const rule = await transact(store, async (tx) => {
        const listener = await getListener(tx, input.ListenerArn, ctx);
        const lb = await getLoadBalancer(tx, listener.LoadBalancerArn, ctx);
        const rules = await rulesOf(store, lb.LoadBalancerArn);
        if (rules.some((r) => r.ListenerArn === listener.ListenerArn && r.Priority === priority)) throw priorityInUse(priority);
        if (rules.filter((r) => !r.IsDefault).length >= MAX_RULES_PER_LOAD_BALANCER) {
          throw new AwsError('TooManyRules', `A load balancer can have at most ${MAX_RULES_PER_LOAD_BALANCER} rules`);
        }
        await checkGrpcListener(tx, listener.Protocol, actions, ctx);
        const ruleId = random.hex(8);
        const rule: RuleRecord = {
          RuleArn: elbv2Arn.rule(listener.ListenerArn, ruleId),
          ListenerArn: listener.ListenerArn,
          LoadBalancerArn: lb.LoadBalancerArn,
          Priority: priority,
          IsDefault: false,
          Conditions: conditions,
          Actions: actions,
          createdAt: clock.now(),
        };
        await syncAttachments(tx, lb, rules, [...rules, rule]);
        tx.put(keys.rule(ruleId), rule);
        if (Object.keys(tags).length > 0) tx.put(keys.tags(rule.RuleArn), tags);
        return rule;
      });
      return { Rules: [ruleView(rule)] };
    },

    async DescribeRules(input, ctx): Reply<'elbv2', 'DescribeRules'> {
      const arns: string[] | undefined = input.RuleArns?.length ? input.RuleArns : undefined;
      if (Boolean(arns) === Boolean(input.ListenerArn)) {
        throw new AwsError('ValidationError', 'Specify either a listener ARN or rule ARNs');
      }
      const listenerArn = input.ListenerArn;
      const rules = await transact(store, async (tx) => {
        if (arns) {
          const out: RuleRecord[] = [];
          for (const arn of arns) out.push(await getRule(tx, arn, ctx));
          return out;
        }
        if (listenerArn === undefined) throw new AwsError('ValidationError', 'Specify either a listener ARN or rule ARNs');
        const listener = await getListener(tx, listenerArn, ctx);
        return (await rulesOf(store, listener.LoadBalancerArn)).filter((r) => r.ListenerArn === listener.ListenerArn).sort(compareRules);
      });
      const p = page(rules, input.Marker, input.PageSize);
      return { Rules: p.items.map(ruleView), NextMarker: p.NextMarker };
    },

    async ModifyRule(input, ctx): Reply<'elbv2', 'ModifyRule'> {
      const rule = await transact(store, async (tx) => {
        const rule = await getRule(tx, input.RuleArn, ctx);
        const lb = await getLoadBalancer(tx, rule.LoadBalancerArn, ctx);
        const next: RuleRecord = { ...rule };
        if (input.Conditions?.length) {
          if (rule.IsDefault) throw new AwsError('OperationNotPermitted', 'The conditions of a default rule cannot be modified');
          next.Conditions = normalizeConditions(input.Conditions);
        }
        if (input.Actions?.length) {
          next.Actions = normalizeActions(input.Actions);
          await checkGrpcListener(tx, (await getListener(tx, rule.ListenerArn, ctx)).Protocol, next.Actions, ctx);
        }
        const rules = await rulesOf(store, lb.LoadBalancerArn);
        await syncAttachments(
          tx,
          lb,
          rules,
          rules.map((r) => (r.RuleArn === next.RuleArn ? next : r)),
        );
        tx.put(keys.rule(idOf.rule(rule.RuleArn)), next);
        return next;
      });
      return { Rules: [ruleView(rule)] };
    },

    async DeleteRule(input, ctx): Reply<'elbv2', 'DeleteRule'> {
      await transact(store, async (tx) => {
        const rule = await getRule(tx, input.RuleArn, ctx);
        if (rule.IsDefault) throw new AwsError('OperationNotPermitted', 'The default rule of a listener cannot be deleted');
        const lb = await getLoadBalancer(tx, rule.LoadBalancerArn, ctx);
        const rules = await rulesOf(store, lb.LoadBalancerArn);
        await syncAttachments(
          tx,
          lb,
          rules,
          rules.filter((r) => r.RuleArn !== rule.RuleArn),
        );
        tx.delete(keys.rule(idOf.rule(rule.RuleArn)));
        tx.delete(keys.tags(rule.RuleArn));
      });
      return {};
    },

    async SetRulePriorities(input, ctx): Reply<'elbv2', 'SetRulePriorities'> {
      const pairs = input.RulePriorities ?? [];
      if (pairs.length === 0) throw new AwsError('ValidationError', 'At least one rule priority must be specified');
      // The model makes both members of a pair optional; a pair without its rule names nothing to move.
      const wanted = pairs.map((p) => {
        if (p.RuleArn === undefined) throw new AwsError('ValidationError', 'A rule ARN must be specified');
        return { RuleArn: p.RuleArn, Priority: priorityOf(p.Priority) };
      });
      if (new Set(wanted.map((p) => p.Priority)).size !== wanted.length) {
        throw new AwsError('ValidationError', 'A priority cannot be repeated in the same request');
      }
      if (new Set(wanted.map((p) => p.RuleArn)).size !== wanted.length) {
        throw new AwsError('ValidationError', 'A rule cannot be repeated in the same request');
      }
      const changed = await transact(store, async (tx: Tx) => {
        const lbs = new Map<string, LoadBalancerRecord>();
        const changed: RuleRecord[] = [];
        for (const w of wanted) {
          const rule = await getRule(tx, w.RuleArn, ctx);
          if (rule.IsDefault) throw new AwsError('OperationNotPermitted', 'The priority of a default rule cannot be changed');
          if (!lbs.has(rule.LoadBalancerArn)) lbs.set(rule.LoadBalancerArn, await getLoadBalancer(tx, rule.LoadBalancerArn, ctx));
          changed.push({ ...rule, Priority: w.Priority });
        }
        // All at once: priorities are checked against the final state of each listener.
        for (const lb of lbs.values()) {
          const rules = (await rulesOf(store, lb.LoadBalancerArn)).map((r) => changed.find((c) => c.RuleArn === r.RuleArn) ?? r);
          const seen = new Set<string>();
          for (const r of rules) {
            if (r.IsDefault) continue;
            const k = `${r.ListenerArn} ${r.Priority}`;
            if (seen.has(k)) throw priorityInUse(r.Priority);
            seen.add(k);
          }
          tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), { ...lb, routingRevision: lb.routingRevision + 1 });
        }
        for (const r of changed) tx.put(keys.rule(idOf.rule(r.RuleArn)), r);
        return changed;
      });
      return { Rules: changed.sort(compareRules).map(ruleView) };
    },
  };
}
