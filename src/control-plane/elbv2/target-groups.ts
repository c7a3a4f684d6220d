/** CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup and their attributes. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { elbv2Arn, inScope, scopeOfArn } from '../../domain/elbv2/arn.js';
import { validateTargetGroupName } from '../../domain/elbv2/names.js';
import {
  modifyTargetGroup,
  resolveTargetGroupSettings,
  sameTargetGroupSettings,
  targetGroupView,
  type TargetGroupRecord,
} from '../../domain/elbv2/target-group.js';
import { attributeList, defaultAttributes, modifyTargetGroupAttributes, targetGroupAttributeCatalogue } from '../../domain/elbv2/attributes.js';
import { addTags } from '../../domain/elbv2/tags.js';
import { defaultNetwork } from '../../domain/ec2/default-network.js';
import { findVpc } from '../ec2/network-repository.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { page } from './paging.js';
import { findTargetGroup, getLoadBalancer, getTargetGroup, idOf, nameKeys, deleteNameClaim, readNameClaim, type NameClaim } from './repository.js';
import { listAll, transact } from './transact.js';

export function targetGroupHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store, clock, random } = deps;
  return {
    async CreateTargetGroup(input, ctx): Reply<'elbv2', 'CreateTargetGroup'> {
      validateTargetGroupName(input.Name);
      // Berth's convenience: no VpcId means the region's default VPC.
      const vpcId: string = input.VpcId ?? defaultNetwork(ctx.accountId, ctx.region).VpcId;
      const settings = resolveTargetGroupSettings(input, vpcId);
      const tags = addTags({}, input.Tags ?? []);
      const tg = await transact(store, async (tx) => {
        if (!(await findVpc(tx, ctx, vpcId))) throw new AwsError('ValidationError', `The VPC ID '${vpcId}' is not found`);
        const claim = await readNameClaim(tx, 'targetGroup', ctx, input.Name);
        if (claim) {
          const existing = await getTargetGroup(tx, claim.arn, ctx);
          if (!sameTargetGroupSettings(existing, settings)) {
            throw new AwsError('DuplicateTargetGroupName', `A target group with the same name '${input.Name}' exists, but with different settings`);
          }
          return existing;
        }
        const tgId = random.hex(8);
        const arn = elbv2Arn.targetGroup(ctx, input.Name, tgId);
        const record: TargetGroupRecord = {
          ...settings,
          TargetGroupArn: arn,
          LoadBalancerArns: [],
          attributes: defaultAttributes(targetGroupAttributeCatalogue),
          createdAt: clock.now(),
        };
        tx.put(keys.targetGroup(tgId), record);
        tx.put(nameKeys.targetGroup(ctx, input.Name), { arn } satisfies NameClaim);
        if (Object.keys(tags).length > 0) tx.put(keys.tags(arn), tags);
        return record;
      });
      return { TargetGroups: [targetGroupView(tg)] };
    },

    async DescribeTargetGroups(input, ctx): Reply<'elbv2', 'DescribeTargetGroups'> {
      const arns: string[] | undefined = input.TargetGroupArns?.length ? input.TargetGroupArns : undefined;
      const names: string[] | undefined = input.Names?.length ? input.Names : undefined;
      if ([arns, names, input.LoadBalancerArn].filter((x) => x !== undefined).length > 1) {
        throw new AwsError('ValidationError', 'Specify at most one of LoadBalancerArn, TargetGroupArns and Names');
      }
      let tgs: TargetGroupRecord[];
      if (arns || names) {
        tgs = await transact(store, async (tx) => {
          const out: TargetGroupRecord[] = [];
          for (const arn of arns ?? []) out.push(await getTargetGroup(tx, arn, ctx));
          for (const name of names ?? []) {
            const claim = await readNameClaim(tx, 'targetGroup', ctx, name);
            const tg = claim && (await findTargetGroup(tx, claim.arn, ctx));
            if (!tg) throw new AwsError('TargetGroupNotFound', `Target groups '[${name}]' not found`);
            out.push(tg);
          }
          return out;
        });
      } else {
        const lbArn = input.LoadBalancerArn;
        if (lbArn !== undefined) await transact(store, (tx) => getLoadBalancer(tx, lbArn, ctx));
        tgs = (await listAll<TargetGroupRecord>(store, keys.targetGroups()))
          .map((r) => r.value)
          .filter((tg) => inScope(tg.TargetGroupArn, ctx))
          .filter((tg) => input.LoadBalancerArn === undefined || tg.LoadBalancerArns.includes(input.LoadBalancerArn));
      }
      tgs.sort((a, b) => a.TargetGroupName.localeCompare(b.TargetGroupName));
      const p = page(tgs, input.Marker, input.PageSize);
      return { TargetGroups: p.items.map(targetGroupView), NextMarker: p.NextMarker };
    },

    async ModifyTargetGroup(input, ctx): Reply<'elbv2', 'ModifyTargetGroup'> {
      const tg = await transact(store, async (tx) => {
        const tg = await getTargetGroup(tx, input.TargetGroupArn, ctx);
        const next = modifyTargetGroup(tg, input);
        tx.put(keys.targetGroup(idOf.targetGroup(tg.TargetGroupArn)), next);
        return next;
      });
      return { TargetGroups: [targetGroupView(tg)] };
    },

    async DeleteTargetGroup(input, ctx): Reply<'elbv2', 'DeleteTargetGroup'> {
      await transact(store, async (tx) => {
        const tg = await findTargetGroup(tx, input.TargetGroupArn, ctx);
        if (!tg) return; // The model lists no NotFound for this operation: deleting twice succeeds.
        if (tg.LoadBalancerArns.length > 0) {
          throw new AwsError('ResourceInUse', `Target group '${tg.TargetGroupArn}' is currently in use by a listener or a rule`);
        }
        const tgId = idOf.targetGroup(tg.TargetGroupArn);
        for (const { key } of await listAll(store, keys.targetsOf(tgId))) tx.delete(key);
        tx.delete(keys.targetGroup(tgId));
        deleteNameClaim(tx, 'targetGroup', scopeOfArn(tg.TargetGroupArn), tg.TargetGroupName);
        tx.delete(keys.tags(tg.TargetGroupArn));
      });
      return {};
    },

    async DescribeTargetGroupAttributes(input, ctx): Reply<'elbv2', 'DescribeTargetGroupAttributes'> {
      const tg = await transact(store, (tx) => getTargetGroup(tx, input.TargetGroupArn, ctx));
      return { Attributes: attributeList(targetGroupAttributeCatalogue, tg.attributes) };
    },

    async ModifyTargetGroupAttributes(input, ctx): Reply<'elbv2', 'ModifyTargetGroupAttributes'> {
      const tg = await transact(store, async (tx) => {
        const tg = await getTargetGroup(tx, input.TargetGroupArn, ctx);
        const next = { ...tg, attributes: modifyTargetGroupAttributes(tg.attributes, input.Attributes ?? []) };
        tx.put(keys.targetGroup(idOf.targetGroup(tg.TargetGroupArn)), next);
        return next;
      });
      return { Attributes: attributeList(targetGroupAttributeCatalogue, tg.attributes) };
    },
  };
}
