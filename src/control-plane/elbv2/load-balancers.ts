/** CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, their attributes and SetSecurityGroups. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { elbv2Arn, inScope, scopeOfArn } from '../../domain/elbv2/arn.js';
import { validateLoadBalancerName } from '../../domain/elbv2/names.js';
import {
  CANONICAL_HOSTED_ZONE_ID,
  loadBalancerDnsName,
  loadBalancerView,
  type LoadBalancerRecord,
} from '../../domain/elbv2/load-balancer.js';
import {
  attributeList,
  defaultAttributes,
  loadBalancerAttributeCatalogue,
  modifyLoadBalancerAttributes,
} from '../../domain/elbv2/attributes.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import { addTags } from '../../domain/elbv2/tags.js';
import { defaultNetwork } from '../../domain/ec2/default-network.js';
import type { SubnetRecord } from '../../domain/ec2/subnet.js';
import type { Ec2Scope } from '../../domain/ec2/vpc.js';
import { findSecurityGroup, findSubnet, storeGroup } from '../ec2/network-repository.js';
import type { ServiceHandlers } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { page } from './paging.js';
import { findLoadBalancer, getLoadBalancer, idOf, listenersOf, nameKeys, rulesOf, type NameClaim } from './repository.js';
import { listAll, transact, type Tx } from './transact.js';

/** The groups must exist in this region and sit in the load balancer's VPC; a derived default group is stored. */
async function resolveSecurityGroups(tx: Tx, scope: Ec2Scope, vpcId: string, ids: readonly string[] | undefined): Promise<string[]> {
  const unique = [...new Set(ids ?? [])];
  for (const id of unique) {
    const found = await findSecurityGroup(tx, scope, id);
    if (!found) throw new AwsError('InvalidSecurityGroup', `One or more security groups are invalid: '${id}'`);
    if (found.group.VpcId !== vpcId) throw new AwsError('InvalidSecurityGroup', `Security group '${id}' does not belong to VPC '${vpcId}'`);
    // The data plane reads groups from the store: a derived default group must be there before an LB uses it.
    if (!found.stored) storeGroup(tx, found.group);
  }
  return unique;
}

export interface ResolvedSubnets {
  VpcId: string;
  AvailabilityZones: Array<{ ZoneName: string; SubnetId: string }>;
}

/** Subnets from `Subnets` or `SubnetMappings`: known in this region, one VPC, at least two zones, one subnet per zone. */
export async function resolveSubnets(tx: Tx, scope: Ec2Scope, input: { Subnets?: string[]; SubnetMappings?: Array<{ SubnetId?: string }> }, defaultToAll: boolean): Promise<ResolvedSubnets> {
  if (input.Subnets?.length && input.SubnetMappings?.length) {
    throw new AwsError('ValidationError', 'You can specify subnets or subnet mappings, not both');
  }
  const asked: string[] = input.Subnets?.length
    ? input.Subnets
    : input.SubnetMappings?.length
      ? input.SubnetMappings.map((m) => m.SubnetId ?? '')
      : defaultToAll
        ? defaultNetwork(scope.accountId, scope.region).Subnets.map((s) => s.SubnetId) // Berth's convenience: no subnets means the two default ones.
        : [];
  if (asked.length === 0) throw new AwsError('ValidationError', 'At least one subnet must be specified (Subnets or SubnetMappings)');
  const subnets: SubnetRecord[] = [];
  for (const id of [...new Set(asked)]) {
    const s = await findSubnet(tx, scope, id);
    if (!s) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
    // Rewritten unchanged so DeleteSubnet, which guards this key, cannot remove it under the new load balancer.
    if (!s.DefaultForAz) tx.put(keys.subnet(s.SubnetId), s);
    subnets.push(s);
  }
  const vpcs = new Set(subnets.map((s) => s.VpcId));
  if (vpcs.size > 1) throw new AwsError('InvalidConfigurationRequest', `The subnets must all be in the same VPC; these are in ${[...vpcs].join(', ')}`);
  const zones = subnets.map((s) => ({ ZoneName: s.AvailabilityZone, SubnetId: s.SubnetId }));
  const byZone = new Map<string, string>();
  for (const z of zones) {
    const other = byZone.get(z.ZoneName);
    if (other) throw new AwsError('InvalidConfigurationRequest', `Subnets '${other}' and '${z.SubnetId}' are both in Availability Zone '${z.ZoneName}'; specify one subnet per Availability Zone`);
    byZone.set(z.ZoneName, z.SubnetId);
  }
  if (byZone.size < 2) {
    throw new AwsError('InvalidConfigurationRequest', 'At least two subnets in two different Availability Zones must be specified');
  }
  return { VpcId: subnets[0]!.VpcId, AvailabilityZones: zones.sort((a, b) => a.ZoneName.localeCompare(b.ZoneName)) };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function loadBalancerHandlers(deps: Elbv2Deps): ServiceHandlers {
  const { store, clock, random } = deps;
  return {
    async CreateLoadBalancer(input, ctx) {
      validateLoadBalancerName(input.Name);
      const type = input.Type ?? 'application';
      if (type !== 'application') throw new AwsError('InvalidConfigurationRequest', 'Berth provides application load balancers only');
      const scheme = input.Scheme ?? 'internet-facing';
      if (scheme !== 'internet-facing' && scheme !== 'internal') throw new AwsError('InvalidScheme', `Scheme '${scheme}' is not valid`);
      const ipAddressType = input.IpAddressType ?? 'ipv4';
      const tags = addTags({}, input.Tags ?? []);
      const lb = await transact(store, async (tx) => {
        const net = await resolveSubnets(tx, ctx, input, true);
        const securityGroups = await resolveSecurityGroups(tx, ctx, net.VpcId, input.SecurityGroups);
        const claim = await tx.get<NameClaim>(nameKeys.loadBalancer(ctx, input.Name));
        if (claim) {
          const existing = await getLoadBalancer(tx, claim.arn);
          const same =
            existing.Scheme === scheme &&
            existing.IpAddressType === ipAddressType &&
            sameSet(existing.SecurityGroups, securityGroups) &&
            sameSet(existing.AvailabilityZones.map((z) => z.SubnetId), net.AvailabilityZones.map((z) => z.SubnetId));
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

    async DescribeLoadBalancers(input, ctx) {
      const arns: string[] | undefined = input.LoadBalancerArns?.length ? input.LoadBalancerArns : undefined;
      const names: string[] | undefined = input.Names?.length ? input.Names : undefined;
      if (arns && names) throw new AwsError('ValidationError', 'Load balancer names and load balancer ARNs cannot be specified at the same time');
      let lbs: LoadBalancerRecord[];
      if (arns || names) {
        lbs = await transact(store, async (tx) => {
          const out: LoadBalancerRecord[] = [];
          for (const arn of arns ?? []) out.push(await getLoadBalancer(tx, arn));
          for (const name of names ?? []) {
            const claim = await tx.get<NameClaim>(nameKeys.loadBalancer(ctx, name));
            const lb = claim && (await findLoadBalancer(tx, claim.arn));
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

    async DeleteLoadBalancer(input) {
      await transact(store, async (tx) => {
        const lb = await findLoadBalancer(tx, input.LoadBalancerArn);
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
        tx.delete(nameKeys.loadBalancer(scopeOfArn(arn), lb.LoadBalancerName));
        tx.delete(keys.tags(arn));
      });
      return {};
    },

    async DescribeLoadBalancerAttributes(input) {
      const lb = await transact(store, (tx) => getLoadBalancer(tx, input.LoadBalancerArn));
      return { Attributes: attributeList(loadBalancerAttributeCatalogue, lb.attributes) };
    },

    async ModifyLoadBalancerAttributes(input) {
      const lb = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn);
        const next = { ...lb, attributes: modifyLoadBalancerAttributes(lb.attributes, input.Attributes ?? []) };
        tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), next);
        return next;
      });
      return { Attributes: attributeList(loadBalancerAttributeCatalogue, lb.attributes) };
    },

    async SetSecurityGroups(input, ctx) {
      const lb = await transact(store, async (tx) => {
        const lb = await getLoadBalancer(tx, input.LoadBalancerArn);
        const next = { ...lb, SecurityGroups: await resolveSecurityGroups(tx, scopeOfArn(lb.LoadBalancerArn), lb.VpcId, input.SecurityGroups ?? []) };
        tx.put(keys.loadBalancer(idOf.loadBalancer(lb.LoadBalancerArn)), next);
        return next;
      });
      return { SecurityGroupIds: lb.SecurityGroups };
    },
  };
}

