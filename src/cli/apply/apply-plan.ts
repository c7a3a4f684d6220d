/**
 * Executes a plan item by item, in the plan's order, resolving names to ARNs as resources appear.
 * Each item is one or two API calls; the first error stops the apply (what was done stays done, and
 * the next apply plans from there).
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { CliError } from '../cli-error.js';
import type { Clients } from '../cli-context.js';
import { resolveActions, type CurrentState, type Plan, type PlanItem } from './plan.js';
import { STACK_TAG, type Json, type Stack, type StackListener } from './stack.js';
import { applyCertificate } from './apply-certificate.js';
import { resolveCertificates } from './stack-certificates.js';

/** The file's own tags plus `berth:stack`, so `--prune` can later tell what this stack made. */
function elbTags(stack: Stack, own: unknown): { Tags?: Json[] } {
  const tags = Array.isArray(own) ? (own as Json[]).filter((t) => t.Key !== STACK_TAG) : [];
  if (stack.name !== undefined) tags.push({ Key: STACK_TAG, Value: stack.name });
  return tags.length ? { Tags: tags } : {};
}

function ecsTags(stack: Stack, own: unknown): { tags?: Json[] } {
  const tags = Array.isArray(own) ? (own as Json[]).filter((t) => t.key !== STACK_TAG) : [];
  if (stack.name !== undefined) tags.push({ key: STACK_TAG, value: stack.name });
  return tags.length ? { tags } : {};
}

export async function applyPlan(clients: Clients, stack: Stack, current: CurrentState, plan: Plan, onDone: (item: PlanItem) => void): Promise<void> {
  const tgArns = new Map([...current.targetGroups].map(([n, t]) => [n, t.arn]));
  const lbArns = new Map([...current.loadBalancers].map(([n, l]) => [n, l.arn]));
  const listenerArns = new Map<string, string>();
  for (const [name, lb] of current.loadBalancers) for (const l of lb.listeners) listenerArns.set(`${name}:${l.Port}`, l.arn);
  const tdArns = new Map([...current.taskDefinitions].map(([f, t]) => [f, t.arn]));

  const certArns = new Map([...(current.certificates ?? new Map<string, { arn: string }>())].map(([n, c]) => [n, c.arn]));
  const certArn = (name: string): string => {
    const arn = certArns.get(name);
    if (!arn) throw new CliError(`certificate ${name} does not exist`);
    return arn;
  };
  /** A listener's fields for Create/ModifyListener, with certificate names resolved. */
  const withCertificates = (l: Json): Json => {
    const certs = resolveCertificates(l.Certificates, certArn);
    return certs ? { ...l, Certificates: certs } : l;
  };
  const tgArn = (name: string): string => {
    const arn = tgArns.get(name);
    if (!arn) throw new CliError(`target group ${name} does not exist`);
    return arn;
  };
  const listenerOf = (it: PlanItem): StackListener => stack.loadBalancers.find((l) => l.Name === it.lb)!.Listeners!.find((l) => l.Port === it.port)!;

  for (const it of plan.items) {
    switch (`${it.op}${it.kind}`) {
      // Adopting tags the resource as this stack's (so a later --prune may delete it), or, for a
      // stack without a name, takes it from the stack that tagged it.
      case 'adopttargetGroup':
      case 'adoptloadBalancer':
        if (stack.name !== undefined)
          await clients.elbv2.send(new elb.AddTagsCommand({ ResourceArns: [it.arn!], Tags: [{ Key: STACK_TAG, Value: stack.name }] }));
        else await clients.elbv2.send(new elb.RemoveTagsCommand({ ResourceArns: [it.arn!], TagKeys: [STACK_TAG] }));
        break;
      case 'adoptservice':
        if (stack.name !== undefined)
          await clients.ecs.send(new ecs.TagResourceCommand({ resourceArn: it.arn!, tags: [{ key: STACK_TAG, value: stack.name }] }));
        else await clients.ecs.send(new ecs.UntagResourceCommand({ resourceArn: it.arn!, tagKeys: [STACK_TAG] }));
        break;
      case '+certificate':
      case '~certificate':
        certArns.set(it.label, await applyCertificate(clients, stack, it));
        break;
      case '+targetGroup':
      case '~targetGroup': {
        const { Name, Attributes, ...rest } = stack.targetGroups.find((t) => t.Name === it.label)!;
        let arn = it.arn;
        if (it.op === '+') {
          const r = await clients.elbv2.send(new elb.CreateTargetGroupCommand({ Name, ...rest, ...elbTags(stack, rest.Tags) } as elb.CreateTargetGroupInput));
          arn = r.TargetGroups![0]!.TargetGroupArn!;
          tgArns.set(Name, arn);
        } else if (it.changes.some((c) => !c.field.startsWith('Attributes.'))) {
          const modify = Object.fromEntries(it.changes.filter((c) => !c.field.startsWith('Attributes.')).map((c) => [c.field, c.to]));
          await clients.elbv2.send(new elb.ModifyTargetGroupCommand({ TargetGroupArn: arn, ...modify } as elb.ModifyTargetGroupInput));
        }
        const attrs =
          it.op === '+'
            ? Object.entries(Attributes ?? {})
            : it.changes.filter((c) => c.field.startsWith('Attributes.')).map((c) => [c.field.slice('Attributes.'.length), String(c.to)] as const);
        if (attrs.length) {
          await clients.elbv2.send(
            new elb.ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: attrs.map(([Key, Value]) => ({ Key, Value })) }),
          );
        }
        break;
      }
      case '+loadBalancer': {
        const { Name, Listeners: _l, ...rest } = stack.loadBalancers.find((l) => l.Name === it.label)!;
        const r = await clients.elbv2.send(new elb.CreateLoadBalancerCommand({ Name, ...rest, ...elbTags(stack, rest.Tags) } as elb.CreateLoadBalancerInput));
        lbArns.set(Name, r.LoadBalancers![0]!.LoadBalancerArn!);
        break;
      }
      case '+listener': {
        const { Rules: _r, DefaultActions, ...rest } = listenerOf(it);
        const r = await clients.elbv2.send(
          new elb.CreateListenerCommand({
            ...withCertificates(rest),
            LoadBalancerArn: lbArns.get(it.lb!)!,
            DefaultActions: resolveActions(DefaultActions, tgArn),
          } as unknown as elb.CreateListenerInput),
        );
        listenerArns.set(`${it.lb}:${it.port}`, r.Listeners![0]!.ListenerArn!);
        break;
      }
      case '~listener': {
        const { Rules: _r, DefaultActions, Tags: _t, ...rest } = listenerOf(it);
        const input = { ...withCertificates(rest), ListenerArn: it.arn!, DefaultActions: resolveActions(DefaultActions, tgArn) };
        await clients.elbv2.send(new elb.ModifyListenerCommand(input as unknown as elb.ModifyListenerInput));
        break;
      }
      case '+rule':
      case '~rule': {
        const rule = listenerOf(it).Rules!.find((r) => r.Priority === it.priority)!;
        const { Priority, Actions, Conditions, ...rest } = rule;
        const actions = resolveActions(Actions, tgArn);
        if (it.op === '+') {
          await clients.elbv2.send(
            new elb.CreateRuleCommand({
              ...rest,
              ListenerArn: listenerArns.get(`${it.lb}:${it.port}`)!,
              Priority,
              Conditions,
              Actions: actions,
            } as unknown as elb.CreateRuleInput),
          );
        } else {
          await clients.elbv2.send(new elb.ModifyRuleCommand({ RuleArn: it.arn!, Conditions, Actions: actions } as unknown as elb.ModifyRuleInput));
        }
        break;
      }
      case '+taskDefinition':
      case '~taskDefinition': {
        const family = it.label.split(' ')[0]!;
        const td = stack.taskDefinitions.find((t) => t.family === family)!;
        const r = await clients.ecs.send(new ecs.RegisterTaskDefinitionCommand(td as unknown as ecs.RegisterTaskDefinitionRequest));
        tdArns.set(family, r.taskDefinition!.taskDefinitionArn!);
        break;
      }
      case '+service':
      case '~service': {
        const svc = stack.services.find((s) => `${s.cluster}/${s.serviceName}` === it.label)!;
        const taskDefinition = tdArns.get(svc.taskDefinition) ?? svc.taskDefinition;
        const loadBalancers = svc.loadBalancers?.map(({ targetGroupName, ...lb }) =>
          targetGroupName ? { ...lb, targetGroupArn: tgArn(targetGroupName) } : lb,
        );
        if (it.op === '+') {
          const input: Json = { ...svc, taskDefinition, ...(loadBalancers ? { loadBalancers } : {}), ...ecsTags(stack, svc.tags) };
          await clients.ecs.send(new ecs.CreateServiceCommand(input as unknown as ecs.CreateServiceRequest));
        } else {
          const update: Json = { cluster: svc.cluster, service: svc.serviceName };
          for (const c of it.changes) update[c.field] = c.field === 'taskDefinition' ? taskDefinition : c.field === 'loadBalancers' ? loadBalancers : c.to;
          await clients.ecs.send(new ecs.UpdateServiceCommand(update as unknown as ecs.UpdateServiceRequest));
        }
        break;
      }
      case '-rule':
        await clients.elbv2.send(new elb.DeleteRuleCommand({ RuleArn: it.arn! }));
        break;
      case '-listener':
        await clients.elbv2.send(new elb.DeleteListenerCommand({ ListenerArn: it.arn! }));
        break;
      case '-service':
        // force: the service's tasks are drained and stopped as DeleteService does for desiredCount > 0.
        await clients.ecs.send(new ecs.DeleteServiceCommand({ cluster: it.cluster!, service: it.arn!, force: true }));
        break;
      case '-loadBalancer':
        await clients.elbv2.send(new elb.DeleteLoadBalancerCommand({ LoadBalancerArn: it.arn! }));
        break;
      case '-targetGroup':
        await clients.elbv2.send(new elb.DeleteTargetGroupCommand({ TargetGroupArn: it.arn! }));
        break;
      default:
        throw new CliError(`cannot apply ${it.op} ${it.kind}`);
    }
    onDone(it);
  }
}
