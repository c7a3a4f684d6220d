/**
 * The plan of `berth apply`, computed purely from the stack file and the current state read through
 * Describe* calls: `+` create, `~` update (with the fields that change), `-` delete (only with
 * prune: listeners and rules under a load balancer of the file, and services, load balancers and
 * target groups this stack created (tagged `berth:stack` with its name) that the file no longer has).
 * Items come in the order they must be applied: target groups, load balancers, listeners, rules,
 * task definitions, services, then deletions (rules, listeners, services, load balancers, target
 * groups). What cannot be changed in place is an error, never a silent replace.
 *
 * An existing target group, load balancer or service that this stack did not create (a named stack:
 * one without `berth:stack=<name>`; a stack without a name: one another stack tagged) is planned as
 * `adopt`, listed first: taking over what someone made with the CLI or another stack is a decision
 * (`--adopt`), never a side effect of a matching name.
 */
import { covers } from './covers.js';
import { certificatePlan, certificatesByName, type CurrentCertificate } from './certificate-plan.js';
import type { Json, Stack, StackAction, StackService } from './stack.js';

export interface CurrentRule {
  arn: string;
  Priority: string;
  IsDefault?: boolean;
  Conditions?: unknown[];
  Actions?: Json[];
}
export interface CurrentListener {
  arn: string;
  Port: number;
  Protocol?: string;
  SslPolicy?: string;
  Certificates?: { CertificateArn?: string }[];
  DefaultActions?: Json[];
  rules: CurrentRule[];
}
/** The value of the resource's `berth:stack` tag, absent when it has none. */
export interface StackOwned {
  stackTag?: string;
}
export interface CurrentState {
  targetGroups: Map<string, { arn: string; fields: Json; attributes: Record<string, string> } & StackOwned>;
  loadBalancers: Map<string, { arn: string; fields: Json; listeners: CurrentListener[] } & StackOwned>;
  /** Latest ACTIVE revision per family. */
  taskDefinitions: Map<string, { arn: string; fields: Json }>;
  /** By `cluster/serviceName`; INACTIVE services are left out (they are created again). */
  services: Map<string, { arn: string; fields: Json } & StackOwned>;
  /** ACM certificates by their `berth:certificate` name (read only when the file has certificates). */
  certificates?: Map<string, CurrentCertificate>;
  /** What carries this stack's `berth:stack` tag (read only for a named stack under prune). */
  owned?: {
    targetGroups: { name: string; arn: string }[];
    loadBalancers: { name: string; arn: string }[];
    services: { cluster: string; name: string; arn: string }[];
  };
}

export type PlanKind = 'certificate' | 'targetGroup' | 'loadBalancer' | 'listener' | 'rule' | 'taskDefinition' | 'service';
export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}
export interface PlanItem {
  /** `adopt`: take over (tag with this stack's name) an existing resource this stack did not create. */
  op: '+' | '~' | '-' | 'adopt';
  kind: PlanKind;
  /** What a person reads: `web`, `web:80`, `web:80 priority 10`, `default/web`. */
  label: string;
  changes: Change[];
  /** The existing resource for ~ and -. */
  arn?: string;
  lb?: string;
  port?: number;
  priority?: number;
  cluster?: string;
}
export interface Plan {
  items: PlanItem[];
  errors: string[];
}

const TG_IMMUTABLE = ['Protocol', 'ProtocolVersion', 'Port', 'VpcId', 'TargetType', 'IpAddressType'];
const SERVICE_CREATE_ONLY = ['launchType', 'schedulingStrategy', 'role', 'serviceRegistries', 'clientToken', 'tags', 'propagateTags'];

/** Field-level differences of `desired` (a subset) against `current`, skipping `skip`. */
function diff(desired: Json, current: Json, skip: readonly string[] = []): Change[] {
  return Object.keys(desired)
    .filter((k) => !skip.includes(k) && !covers(desired[k], current[k]))
    .map((k) => ({ field: k, from: current[k], to: desired[k] }));
}

/** Current actions name target groups by ARN; the file names them: compare in the file's words. */
function actionsByName(actions: Json[] | undefined, tgNameOfArn: Map<string, string>): Json[] | undefined {
  return actions?.map((a) => {
    const arn = a.TargetGroupArn;
    const name = typeof arn === 'string' ? tgNameOfArn.get(arn) : undefined;
    return name === undefined ? a : { ...a, TargetGroupName: name };
  });
}

function withoutKeys<T extends Json>(o: T, keys: readonly string[]): Json {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** Whether an existing resource is someone else's: see the file comment. */
function foreign(stack: Stack, r: StackOwned): boolean {
  return stack.name === undefined ? r.stackTag !== undefined : r.stackTag !== stack.name;
}

export function computePlan(stack: Stack, current: CurrentState, options: { prune?: boolean } = {}): Plan {
  const items: PlanItem[] = [];
  const deletions: PlanItem[] = [];
  const errors: string[] = [];
  const tgNameOfArn = new Map([...current.targetGroups].map(([name, tg]) => [tg.arn, name]));

  const adoptions: PlanItem[] = [];
  for (const tg of stack.targetGroups) {
    const cur = current.targetGroups.get(tg.Name);
    if (cur && foreign(stack, cur)) adoptions.push({ op: 'adopt', kind: 'targetGroup', label: tg.Name, changes: [], arn: cur.arn });
  }
  for (const lb of stack.loadBalancers) {
    const cur = current.loadBalancers.get(lb.Name);
    if (cur && foreign(stack, cur)) adoptions.push({ op: 'adopt', kind: 'loadBalancer', label: lb.Name, changes: [], arn: cur.arn });
  }
  for (const svc of stack.services) {
    const key = `${svc.cluster}/${svc.serviceName}`;
    const cur = current.services.get(key);
    if (cur && foreign(stack, cur)) adoptions.push({ op: 'adopt', kind: 'service', label: key, changes: [], arn: cur.arn, cluster: svc.cluster });
  }
  items.push(...adoptions);

  const certs = certificatePlan(stack.certificates ?? [], current.certificates ?? new Map());
  items.push(...certs.items);
  errors.push(...certs.errors);
  const certNameOfArn = new Map([...(current.certificates ?? new Map<string, CurrentCertificate>())].map(([name, c]) => [c.arn, name]));

  for (const tg of stack.targetGroups) {
    const cur = current.targetGroups.get(tg.Name);
    if (!cur) {
      items.push({ op: '+', kind: 'targetGroup', label: tg.Name, changes: [] });
      continue;
    }
    const changes = diff(withoutKeys(tg, ['Name', 'Attributes', 'Tags']), cur.fields);
    for (const c of changes.filter((c) => TG_IMMUTABLE.includes(c.field))) {
      errors.push(`target group ${tg.Name}: ${c.field} cannot change in place (${fmt(c.from)} -> ${fmt(c.to)}); delete it first`);
    }
    const attrChanges = Object.entries(tg.Attributes ?? {})
      .filter(([k, v]) => cur.attributes[k] !== v)
      .map(([k, v]) => ({ field: `Attributes.${k}`, from: cur.attributes[k], to: v }));
    const all = [...changes.filter((c) => !TG_IMMUTABLE.includes(c.field)), ...attrChanges];
    if (all.length) items.push({ op: '~', kind: 'targetGroup', label: tg.Name, changes: all, arn: cur.arn });
  }

  const listenerItems: PlanItem[] = [];
  const ruleItems: PlanItem[] = [];
  for (const lb of stack.loadBalancers) {
    const cur = current.loadBalancers.get(lb.Name);
    if (!cur) items.push({ op: '+', kind: 'loadBalancer', label: lb.Name, changes: [] });
    else {
      for (const c of diff(withoutKeys(lb, ['Name', 'Listeners', 'Tags']), cur.fields)) {
        errors.push(`load balancer ${lb.Name}: ${c.field} cannot change in place (${fmt(c.from)} -> ${fmt(c.to)}); delete it first`);
      }
    }
    for (const l of lb.Listeners ?? []) {
      const label = `${lb.Name}:${l.Port}`;
      const curL = cur?.listeners.find((x) => x.Port === l.Port);
      if (!curL) listenerItems.push({ op: '+', kind: 'listener', label, changes: [], lb: lb.Name, port: l.Port });
      else {
        const changes = diff(withoutKeys(l, ['Port', 'Rules', 'Tags']), {
          ...curL,
          DefaultActions: actionsByName(curL.DefaultActions, tgNameOfArn),
          Certificates: certificatesByName(curL.Certificates, certNameOfArn),
        });
        if (changes.length) listenerItems.push({ op: '~', kind: 'listener', label, changes, arn: curL.arn, lb: lb.Name, port: l.Port });
      }
      for (const r of l.Rules ?? []) {
        const rLabel = `${label} priority ${r.Priority}`;
        const curR = curL?.rules.find((x) => !x.IsDefault && Number(x.Priority) === r.Priority);
        const at = { lb: lb.Name, port: l.Port, priority: r.Priority };
        if (!curR) ruleItems.push({ op: '+', kind: 'rule', label: rLabel, changes: [], ...at });
        else {
          const changes = diff(withoutKeys(r, ['Priority', 'Tags']), { ...curR, Actions: actionsByName(curR.Actions, tgNameOfArn) });
          if (changes.length) ruleItems.push({ op: '~', kind: 'rule', label: rLabel, changes, arn: curR.arn, ...at });
        }
      }
      if (options.prune && curL) {
        const wanted = new Set((l.Rules ?? []).map((r) => r.Priority));
        for (const r of curL.rules.filter((x) => !x.IsDefault && !wanted.has(Number(x.Priority)))) {
          deletions.push({
            op: '-',
            kind: 'rule',
            label: `${label} priority ${r.Priority}`,
            changes: [],
            arn: r.arn,
            lb: lb.Name,
            port: l.Port,
            priority: Number(r.Priority),
          });
        }
      }
    }
    if (options.prune && cur) {
      const ports = new Set((lb.Listeners ?? []).map((l) => l.Port));
      for (const l of cur.listeners.filter((x) => !ports.has(x.Port))) {
        deletions.push({ op: '-', kind: 'listener', label: `${lb.Name}:${l.Port}`, changes: [], arn: l.arn, lb: lb.Name, port: l.Port });
      }
    }
  }
  items.push(...listenerItems, ...ruleItems);

  const newRevision = new Set<string>();
  for (const td of stack.taskDefinitions) {
    const cur = current.taskDefinitions.get(td.family);
    if (!cur) {
      items.push({ op: '+', kind: 'taskDefinition', label: td.family, changes: [] });
      newRevision.add(td.family);
      continue;
    }
    const changes = diff(withoutKeys(td, ['family', 'tags']), cur.fields);
    if (changes.length) {
      items.push({ op: '~', kind: 'taskDefinition', label: `${td.family} (new revision)`, changes, arn: cur.arn });
      newRevision.add(td.family);
    }
  }

  const familiesInFile = new Set(stack.taskDefinitions.map((t) => t.family));
  for (const svc of stack.services) {
    const key = `${svc.cluster}/${svc.serviceName}`;
    const cur = current.services.get(key);
    if (!cur) {
      items.push({ op: '+', kind: 'service', label: key, changes: [], cluster: svc.cluster });
      continue;
    }
    const changes = diff(withoutKeys(svc, ['serviceName', 'cluster', 'taskDefinition', 'loadBalancers', ...SERVICE_CREATE_ONLY]), cur.fields);
    const td = serviceTaskDefinitionChange(svc, cur.fields.taskDefinition as string | undefined, current, familiesInFile, newRevision);
    if (td) changes.unshift(td);
    if (svc.loadBalancers !== undefined) {
      const curLbs = (cur.fields.loadBalancers as Json[] | undefined)?.map((l) => {
        const name = typeof l.targetGroupArn === 'string' ? tgNameOfArn.get(l.targetGroupArn) : undefined;
        return name === undefined ? l : { ...l, targetGroupName: name };
      });
      if (!covers(svc.loadBalancers, curLbs ?? [])) changes.push({ field: 'loadBalancers', from: cur.fields.loadBalancers, to: svc.loadBalancers });
    }
    if (changes.length) items.push({ op: '~', kind: 'service', label: key, changes, arn: cur.arn, cluster: svc.cluster });
  }

  if (options.prune && current.owned) {
    const inFile = {
      tg: new Set(stack.targetGroups.map((t) => t.Name)),
      lb: new Set(stack.loadBalancers.map((l) => l.Name)),
      svc: new Set(stack.services.map((s) => `${s.cluster}/${s.serviceName}`)),
    };
    for (const s of current.owned.services.filter((s) => !inFile.svc.has(`${s.cluster}/${s.name}`))) {
      deletions.push({ op: '-', kind: 'service', label: `${s.cluster}/${s.name}`, changes: [], arn: s.arn, cluster: s.cluster });
    }
    for (const l of current.owned.loadBalancers.filter((l) => !inFile.lb.has(l.name)))
      deletions.push({ op: '-', kind: 'loadBalancer', label: l.name, changes: [], arn: l.arn });
    for (const t of current.owned.targetGroups.filter((t) => !inFile.tg.has(t.name)))
      deletions.push({ op: '-', kind: 'targetGroup', label: t.name, changes: [], arn: t.arn });
  }
  items.push(...deletions);
  return { items, errors };
}

/** The service's task definition as it will be after this apply, against what it runs now. */
function serviceTaskDefinitionChange(
  svc: StackService,
  currentArn: string | undefined,
  current: CurrentState,
  familiesInFile: Set<string>,
  newRevision: Set<string>,
): Change | undefined {
  const from = tdName(currentArn);
  const ref = svc.taskDefinition;
  const bareFamily = !ref.includes(':') && !ref.startsWith('arn:');
  if (bareFamily && newRevision.has(ref)) return { field: 'taskDefinition', from, to: `${ref}:(new revision)` };
  const wanted = bareFamily ? (tdName(current.taskDefinitions.get(ref)?.arn) ?? (familiesInFile.has(ref) ? undefined : ref)) : tdName(ref);
  if (wanted === undefined || wanted === from) return undefined;
  return { field: 'taskDefinition', from, to: wanted };
}

function tdName(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const m = /task-definition\/(.+)$/.exec(arn);
  return m ? m[1] : arn;
}

/** Resolve `TargetGroupName` to `TargetGroupArn` in ELBv2 actions. */
export function resolveActions(actions: readonly StackAction[], tgArn: (name: string) => string): Json[] {
  return actions.map((a) => {
    const { TargetGroupName, ...rest } = a;
    return TargetGroupName === undefined ? rest : { ...rest, TargetGroupArn: tgArn(TargetGroupName) };
  });
}

/** The one line `berth apply` refuses with when the plan adopts and `--adopt` was not given. */
export function adoptionRefusal(plan: Plan): string | undefined {
  const adopt = plan.items.filter((i) => i.op === 'adopt');
  if (adopt.length === 0) return undefined;
  return `this stack did not create ${adopt.map((i) => `${i.kind} ${i.label}`).join(', ')}; pass --adopt to take ${adopt.length === 1 ? 'it' : 'them'} over`;
}

export function fmt(v: unknown): string {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

/** A change down to the leaves that differ (`containerDefinitions[0].image`), so a plan stays readable. */
export function leafChanges(path: string, desired: unknown, current: unknown): Change[] {
  if (covers(desired, current)) return [];
  const bothObjects = [desired, current].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (bothObjects) {
    return Object.entries(desired as Json).flatMap(([k, v]) => leafChanges(`${path}.${k}`, v, (current as Json)[k]));
  }
  if (Array.isArray(desired) && Array.isArray(current) && desired.length === current.length) {
    return desired.flatMap((v, i) => leafChanges(`${path}[${i}]`, v, current[i]));
  }
  return [{ field: path, from: current, to: desired }];
}

/** Terraform-like text: one line per item, then one indented line per changed field. */
export function renderPlan(plan: Plan): string {
  if (plan.items.length === 0) return 'No changes. The stack is up to date.\n';
  const lines: string[] = [];
  for (const it of plan.items) {
    lines.push(`${it.op} ${it.kind} ${it.label}`);
    for (const c of it.changes) for (const l of leafChanges(c.field, c.to, c.from)) lines.push(`    ${l.field}: ${fmt(l.from)} -> ${fmt(l.to)}`);
  }
  const n = (op: PlanItem['op']) => plan.items.filter((i) => i.op === op).length;
  const adopt = n('adopt') > 0 ? `, ${n('adopt')} to adopt` : '';
  lines.push('', `Plan: ${n('+')} to create, ${n('~')} to update, ${n('-')} to delete${adopt}.`);
  return lines.join('\n') + '\n';
}
