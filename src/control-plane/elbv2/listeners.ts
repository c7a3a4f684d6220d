/** CreateListener, DescribeListeners, ModifyListener, DeleteListener. */
import { isDeepStrictEqual } from 'node:util';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { elbv2Arn } from '../../domain/elbv2/arn.js';
import { normalizeActions } from '../../domain/elbv2/action.js';
import { addTags } from '../../domain/elbv2/tags.js';
import { listenerView, MAX_LISTENERS_PER_LOAD_BALANCER, type ListenerRecord, type RuleRecord } from '../../domain/elbv2/listener.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { syncAttachments } from './attachment.js';
import { page } from './paging.js';
import { getListener, getLoadBalancer, idOf, listenersOf, rulesOf } from './repository.js';
import { listAll, transact } from './transact.js';
import { resolveListenerTls } from './listener-tls.js';
import { checkGrpcListener } from './grpc-listener-check.js';

/** The protocols of network and gateway load balancers: an application load balancer takes none of them. */
const NON_ALB_PROTOCOLS = ['TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE', 'QUIC', 'TCP_QUIC'];

/** HTTP or HTTPS; the protocols of network and gateway load balancers are refused with the code AWS uses. */
function checkProtocol(protocol: string | undefined): 'HTTP' | 'HTTPS' {
  if (protocol === undefined || protocol === 'HTTP' || protocol === 'HTTPS') return protocol ?? 'HTTP';
  if (NON_ALB_PROTOCOLS.includes(protocol)) {
    throw new AwsError('IncompatibleProtocols', `Protocol '${protocol}' is not compatible with an application load balancer; Protocol must be HTTP or HTTPS`);
  }
  throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported; Protocol must be HTTP or HTTPS`);
}

function checkPort(port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw new AwsError('ValidationError', 'A listener port between 1 and 65535 must be specified');
  }
  return port as number;
}

/** A port taken on this host is a clear API error, not a listener that silently never opens. */
async function checkPortFree(deps: Elbv2Deps, port: number, scheme: 'internet-facing' | 'internal'): Promise<void> {
  const problem = await deps.checkListenerPort?.(port, scheme);
  if (typeof problem === 'string') throw new AwsError('InvalidConfigurationRequest', problem);
}

export function listenerHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store, clock, random } = deps;
  return {
    async CreateListener(input, ctx): Reply<'elbv2', 'CreateListener'> {
      const protocol = checkProtocol(input.Protocol ?? (input.Certificates?.length ? 'HTTPS' : undefined));
      const port = checkPort(input.Port);
      const actions = normalizeActions(input.DefaultActions);
      const tags = addTags({}, input.Tags ?? []);
      const result = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn, ctx);
        const listeners = await listenersOf(store, lb.LoadBalancerArn);
        const rules = await rulesOf(store, lb.LoadBalancerArn);
        const taken = listeners.find((l) => l.Port === port);
        if (taken) {
          // AWS: creating a listener with the same settings again succeeds and returns it.
          const defaultRule = rules.find((r) => r.RuleArn === taken.defaultRuleArn);
          if (defaultRule && isDeepStrictEqual(defaultRule.Actions, actions)) return { listener: taken, defaultRule };
          throw new AwsError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.LoadBalancerArn}'`);
        }
        if (listeners.length >= MAX_LISTENERS_PER_LOAD_BALANCER) {
          throw new AwsError('TooManyListeners', `A load balancer can have at most ${MAX_LISTENERS_PER_LOAD_BALANCER} listeners`);
        }
        await checkPortFree(deps, port, lb.Scheme);
        const tls = await resolveListenerTls(tx, protocol, input, undefined, ctx);
        await checkGrpcListener(tx, protocol, actions, ctx);
        const listenerId = random.hex(8);
        const listenerArn = elbv2Arn.listener(lb.LoadBalancerArn, listenerId);
        const ruleId = random.hex(8);
        const now = clock.now();
        const defaultRule: RuleRecord = {
          RuleArn: elbv2Arn.rule(listenerArn, ruleId),
          ListenerArn: listenerArn,
          LoadBalancerArn: lb.LoadBalancerArn,
          Priority: 'default',
          IsDefault: true,
          Conditions: [],
          Actions: actions,
          createdAt: now,
        };
        const listener: ListenerRecord = {
          ListenerArn: listenerArn,
          LoadBalancerArn: lb.LoadBalancerArn,
          Port: port,
          ...tls,
          defaultRuleArn: defaultRule.RuleArn,
          createdAt: now,
        };
        await syncAttachments(tx, lb, rules, [...rules, defaultRule]);
        tx.put(keys.listener(listenerId), listener);
        tx.put(keys.rule(ruleId), defaultRule);
        if (Object.keys(tags).length > 0) tx.put(keys.tags(listenerArn), tags);
        return { listener, defaultRule };
      });
      return { Listeners: [listenerView(result.listener, result.defaultRule)] };
    },

    async DescribeListeners(input, ctx): Reply<'elbv2', 'DescribeListeners'> {
      const arns: string[] | undefined = input.ListenerArns?.length ? input.ListenerArns : undefined;
      if (arns && input.LoadBalancerArn) throw new AwsError('ValidationError', 'Specify either a load balancer or listeners, not both');
      if (!arns && !input.LoadBalancerArn) throw new AwsError('ValidationError', 'A load balancer ARN or listener ARNs must be specified');
      let listeners: ListenerRecord[];
      if (arns) {
        listeners = await transact(store, async (tx) => {
          const out: ListenerRecord[] = [];
          for (const arn of arns) out.push(await getListener(tx, arn, ctx));
          return out;
        });
      } else {
        const lbArn = input.LoadBalancerArn ?? ''; // present: checked above
        await transact(store, (tx) => getLoadBalancer(tx, lbArn, ctx));
        listeners = await listenersOf(store, lbArn);
      }
      listeners.sort((a, b) => a.Port - b.Port);
      const p = page(listeners, input.Marker, input.PageSize);
      const rules = new Map((await listAll<RuleRecord>(store, keys.rules())).filter((r) => r.value.IsDefault).map((r) => [r.value.RuleArn, r.value]));
      return { Listeners: p.items.map((l) => listenerView(l, rules.get(l.defaultRuleArn))), NextMarker: p.NextMarker };
    },

    async ModifyListener(input, ctx): Reply<'elbv2', 'ModifyListener'> {
      const result = await transact(store, async (tx) => {
        const listener = await getListener(tx, input.ListenerArn, ctx);
        const lb = await getLoadBalancer(tx, listener.LoadBalancerArn, ctx);
        const rules = await rulesOf(store, lb.LoadBalancerArn);
        const protocol = checkProtocol(input.Protocol ?? listener.Protocol);
        const { SslPolicy: _p, certificateArn: _c, sniCertificateArns: _s, ...plain } = listener;
        const next: ListenerRecord = { ...plain, ...(await resolveListenerTls(tx, protocol, input, listener, ctx)) };
        if (input.Port !== undefined && input.Port !== listener.Port) {
          next.Port = checkPort(input.Port);
          const others = await listenersOf(store, lb.LoadBalancerArn);
          if (others.some((l) => l.ListenerArn !== listener.ListenerArn && l.Port === next.Port)) {
            throw new AwsError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.LoadBalancerArn}'`);
          }
          await checkPortFree(deps, next.Port, lb.Scheme);
        }
        let defaultRule = rules.find((r) => r.RuleArn === listener.defaultRuleArn);
        const newDefaultActions = input.DefaultActions?.length ? normalizeActions(input.DefaultActions) : undefined;
        // Every rule of the listener, with the new default actions, against the new protocol.
        const ownActions = rules
          .filter((r) => r.ListenerArn === listener.ListenerArn)
          .flatMap((r) => (newDefaultActions && r.RuleArn === defaultRule?.RuleArn ? newDefaultActions : r.Actions));
        await checkGrpcListener(tx, protocol, ownActions, ctx);
        if (newDefaultActions && defaultRule) {
          defaultRule = { ...defaultRule, Actions: newDefaultActions };
          const after = rules.map((r) => (r.RuleArn === defaultRule!.RuleArn ? defaultRule! : r));
          tx.put(keys.rule(idOf.rule(defaultRule.RuleArn)), defaultRule);
          await syncAttachments(tx, lb, rules, after);
        } else {
          await syncAttachments(tx, lb, rules, rules);
        }
        tx.put(keys.listener(idOf.listener(listener.ListenerArn)), next);
        return { listener: next, defaultRule };
      });
      return { Listeners: [listenerView(result.listener, result.defaultRule)] };
    },

    async DeleteListener(input, ctx): Reply<'elbv2', 'DeleteListener'> {
      await transact(store, async (tx) => {
        const listener = await getListener(tx, input.ListenerArn, ctx);
        const lb = await getLoadBalancer(tx, listener.LoadBalancerArn, ctx);
        const rules = await rulesOf(store, lb.LoadBalancerArn);
        const mine = rules.filter((r) => r.ListenerArn === listener.ListenerArn);
        for (const r of mine) {
          tx.delete(keys.rule(idOf.rule(r.RuleArn)));
          tx.delete(keys.tags(r.RuleArn));
        }
        await syncAttachments(
          tx,
          lb,
          rules,
          rules.filter((r) => r.ListenerArn !== listener.ListenerArn),
        );
        tx.delete(keys.listener(idOf.listener(listener.ListenerArn)));
        tx.delete(keys.tags(listener.ListenerArn));
      });
      return {};
    },
  };
}
