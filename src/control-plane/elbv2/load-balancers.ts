/** CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, their attributes and SetSecurityGroups. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { elbv2Arn, inScope, scopeOfArn } from '../../domain/elbv2/arn.js';
import { validateLoadBalancerName } from '../../domain/elbv2/names.js';
import { CANONICAL_HOSTED_ZONE_ID, loadBalancerDnsName, loadBalancerView, type LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import { attributeList, defaultAttributes, loadBalancerAttributeCatalogue, modifyLoadBalancerAttributes } from '../../domain/elbv2/attributes.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import { addTags } from '../../domain/elbv2/tags.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { page } from './paging.js';
import { findLoadBalancer, getLoadBalancer, idOf, listenersOf, nameKeys, deleteNameClaim, readNameClaim, rulesOf, type NameClaim } from './repository.js';
import { listAll, transact } from './transact.js';
import { checkIpAddressType, resolveSecurityGroups, resolveSubnets } from './load-balancer-network.js';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function loadBalancerHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store, clock, random } = deps;
  return {
    async CreateLoadBalancer(input, ctx): Reply<'elbv2', 'CreateLoadBalancer'> {
      validateLoadBalancerName(input.Name);
      const type = input.Type ?? 'application';
      if (type !== 'application') throw new AwsError('InvalidConfigurationRequest', 'Berth provides application load balancers only');
      const scheme = input.Scheme ?? 'internet-facing';
      if (scheme !== 'internet-facing' && scheme !== 'internal') throw new AwsError('InvalidScheme', `Scheme '${scheme}' is not valid`);
      const ipAddressType = checkIpAddressType(input.IpAddressType ?? 'ipv4');
      // Outposts pools, IPv6 source NAT (NLB) and IPAM pools: none exists in Berth, so none is taken.
      const unsupported = (['CustomerOwnedIpv4Pool', 'EnablePrefixForIpv6SourceNat', 'IpamPools'] as const).find(
        (m) => input[m] !== undefined && !(m === 'EnablePrefixForIpv6SourceNat' && input[m] === 'off'),
      );
      if (unsupported)
        throw new AwsError('InvalidConfigurationRequest', `${unsupported} cannot be specified: Berth's application load balancers have no such pools`);
      const tags = addTags({}, input.Tags ?? []);
      const lb = await transact(store, async (tx) => {
        const net = await resolveSubnets(tx, ctx, input, true);
        const securityGroups = await resolveSecurityGroups(tx, ctx, net.VpcId, input.SecurityGroups);
        const claim = await readNameClaim(tx, 'loadBalancer', ctx, input.Name);
        if (claim) {
          const existing = await getLoadBalancer(tx, claim.arn, ctx);
          const same =
            existing.Scheme === scheme &&
            existing.IpAddressType === ipAddressType &&
            sameSet(existing.SecurityGroups, securityGroups) &&
            sameSet(
              existing.AvailabilityZones.map((z) => z.SubnetId),
              net.AvailabilityZones.map((z) => z.SubnetId),
            );
          if (!same) throw new AwsError('DuplicateLoadBalancerName', `A load balancer with the same name '${input.Name}' exists, but with different settings`);
          return existing;
        }
        const lbId = random.hex(8);
        const arn = elbv2Arn.loadBalancer(ctx, input.Name, lbId);
        const record: LoadBalancerRecord = {
          LoadBalancerArn: arn,
          LoadBalancerName: input.Name,
          DNSName: loadBalancerDnsName(input.Name, lbId, scheme),
          CanonicalHostedZoneId: CANONICAL_HOSTED_ZONE_ID,
          CreatedTime: clock.now(),
          Scheme: scheme,
          VpcId: net.VpcId,
          Type: 'application',
          AvailabilityZones: net.AvailabilityZones,
          SecurityGroups: securityGroups,
          IpAddressType: ipAddressType,
          attributes: defaultAttributes(loadBalancerAttributeCatalogue),
          routingRevision: 0,
        };
        tx.put(keys.loadBalancer(lbId), record);
        tx.put(nameKeys.loadBalancer(ctx, input.Name), { arn } satisfies NameClaim);
        if (Object.keys(tags).length > 0) tx.put(keys.tags(arn), tags);
        return record;
      });
      return { LoadBalancers: [loadBalancerView(lb, clock.now())] };
    },

    async DescribeLoadBalancers(input, ctx): Reply<'elbv2', 'DescribeLoadBalancers'> {
      const arns: string[] | undefined = input.LoadBalancerArns?.length ? input.LoadBalancerArns : undefined;
      const names: string[] | undefined = input.Names?.length ? input.Names : undefined;
      if (arns && names) throw new AwsError('ValidationError', 'Load balancer names and load balancer ARNs cannot be specified at the same time');
      let lbs: LoadBalancerRecord[];
      if (arns || names) {
        lbs = await transact(store, async (tx) => {
          const out: LoadBalancerRecord[] = [];
          for (const arn of arns ?? []) out.push(await getLoadBalancer(tx, arn, ctx));
          for (const name of names ?? []) {
            const claim = await readNameClaim(tx, 'loadBalancer', ctx, name);
            const lb = claim && (await findLoadBalancer(tx, claim.arn, ctx));
            if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${name}]' not found`);
            out.push(lb);
          }
          return out;
        });
      } else {
        lbs = (await listAll<LoadBalancerRecord>(store, keys.loadBalancers())).map((r) => r.value).filter((lb) => inScope(lb.LoadBalancerArn, ctx));
      }
      lbs.sort((a, b) => a.LoadBalancerName.localeCompare(b.LoadBalancerName));
      const p = page(lbs, input.Marker, input.PageSize);
      const now = clock.now();
      return { LoadBalancers: p.items.map((lb) => loadBalancerView(lb, now)), NextMarker: p.NextMarker };
    },

    async DeleteLoadBalancer(input, ctx): Reply<'elbv2', 'DeleteLoadBalancer'> {
      await transact(store, async (tx) => {
        const lb = await findLoadBalancer(tx, input.LoadBalancerArn, ctx);
        if (!lb) return; // AWS: deleting a load balancer that does not exist succeeds.
        if (lb.attributes['deletion_protection.enabled'] === 'true') {
          throw new AwsError('OperationNotPermitted', `Load balancer '${lb.LoadBalancerArn}' cannot be deleted because deletion protection is enabled`);
        }
        const arn = lb.LoadBalancerArn;
        for (const l of await listenersOf(store, arn)) {
          tx.delete(keys.listener(idOf.listener(l.ListenerArn)));
          tx.delete(keys.tags(l.ListenerArn));
        }
        for (const r of await rulesOf(store, arn)) {
          tx.delete(keys.rule(idOf.rule(r.RuleArn)));
          tx.delete(keys.tags(r.RuleArn));
        }
        // Targets stay registered; their groups are simply no longer in use by this LB.
        for (const { key, value } of await listAll<TargetGroupRecord>(store, keys.targetGroups())) {
          if (!value.LoadBalancerArns.includes(arn)) continue;
          const tg = await tx.get<TargetGroupRecord>(key);
          if (tg) tx.put(key, { ...tg, LoadBalancerArns: tg.LoadBalancerArns.filter((a) => a !== arn) });
        }
        tx.delete(keys.loadBalancer(idOf.loadBalancer(arn)));
        deleteNameClaim(tx, 'loadBalancer', scopeOfArn(arn), lb.LoadBalancerName);
        tx.delete(keys.tags(arn));
      });
      return {};
    },

    async DescribeLoadBalancerAttributes(input, ctx): Reply<'elbv2', 'DescribeLoadBalancerAttributes'> {
      const lb = await transact(store, (tx) => getLoadBalancer(tx, input.LoadBalancerArn, ctx));
      return { Attributes: attributeList(loadBalancerAttributeCatalogue, lb.attributes) };
    },

    async ModifyLoadBalancerAttributes(input, ctx): Reply<'elbv2', 'ModifyLoadBalancerAttributes'> {
      const lb = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn, ctx);
        const next = { ...lb, attributes: modifyLoadBalancerAttributes(lb.attributes, input.Attributes ?? []) };
        tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), next);
        return next;
      });
      return { Attributes: attributeList(loadBalancerAttributeCatalogue, lb.attributes) };
    },

    async SetSecurityGroups(input, ctx): Reply<'elbv2', 'SetSecurityGroups'> {
      if (input.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic !== undefined) {
        throw new AwsError('InvalidConfigurationRequest', 'EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic applies to network load balancers only');
      }
      const lb = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn, ctx);
        const next = { ...lb, SecurityGroups: await resolveSecurityGroups(tx, scopeOfArn(lb.LoadBalancerArn), lb.VpcId, input.SecurityGroups ?? []) };
        tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), next);
        return next;
      });
      return { SecurityGroupIds: lb.SecurityGroups };
    },
  };
}
