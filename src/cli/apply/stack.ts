/**
 * The stack file of `berth apply`: one YAML document whose entries use the APIs' own field names
 * (ELBv2 PascalCase as in CreateTargetGroup/CreateLoadBalancer/CreateListener/CreateRule, ECS
 * camelCase as in RegisterTaskDefinition/CreateService). Two Berth additions name things instead of
 * ARNs: `TargetGroupName` in ELBv2 actions and `targetGroupName` in a service's `loadBalancers`;
 * a service's `taskDefinition` may name a family of the file. Parsing is pure: text in, Stack out.
 */
import { parse } from 'yaml';
import { CliError, EXIT } from '../cli-error.js';
import { parseCertificates, type StackCertificate } from './stack-certificates.js';

export type Json = Record<string, unknown>;

export interface StackAction extends Json {
  Type: string;
  TargetGroupName?: string;
}
export interface StackRule extends Json {
  Priority: number;
  Conditions: Json[];
  Actions: StackAction[];
}
export interface StackListener extends Json {
  Port: number;
  Protocol?: string;
  DefaultActions: StackAction[];
  Rules?: StackRule[];
}
export interface StackLoadBalancer extends Json {
  Name: string;
  Listeners?: StackListener[];
}
export interface StackTargetGroup extends Json {
  Name: string;
  /** ModifyTargetGroupAttributes keys and values, e.g. `deregistration_delay.timeout_seconds: 5`. */
  Attributes?: Record<string, string>;
}
export interface StackTaskDefinition extends Json {
  family: string;
  containerDefinitions: Json[];
}
export interface StackServiceLoadBalancer extends Json {
  targetGroupName?: string;
  targetGroupArn?: string;
  containerName: string;
  containerPort: number;
}
export interface StackService extends Json {
  serviceName: string;
  cluster: string;
  taskDefinition: string;
  loadBalancers?: StackServiceLoadBalancer[];
}

export interface Stack {
  /** The stack's name: what `berth apply` tags its load balancers, target groups and services with (`berth:stack`), and what `--prune` deletes by. */
  name?: string;
  /** The file's `cluster:` (default `default`): where services without their own cluster go. */
  defaultCluster: string;
  loadBalancers: StackLoadBalancer[];
  targetGroups: StackTargetGroup[];
  taskDefinitions: StackTaskDefinition[];
  services: StackService[];
  /** ACM certificates, imported from files or requested (stack-certificates.ts); absent when the file has none. */
  certificates?: StackCertificate[];
}

const TOP_LEVEL = new Set(['name', 'cluster', 'certificates', 'loadBalancers', 'targetGroups', 'taskDefinitions', 'services']);

/** The tag `berth apply` puts on what it creates, valued with the stack's name. */
export const STACK_TAG = 'berth:stack';

function bad(message: string): CliError {
  return new CliError(`stack: ${message}`, EXIT.usage);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(doc: Json, key: string): Json[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObject)) throw bad(`${key} must be a list of mappings`);
  return v;
}

function requireString(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw bad(`${where}: ${key} is required`);
  return v;
}

function requireInt(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(`${where}: ${key} must be an integer`);
  return v;
}

function unique(names: string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw bad(`${what} "${n}" appears twice`);
    seen.add(n);
  }
}

export function parseStack(text: string): Stack {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw bad(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc)) throw bad('the document must be a mapping');
  for (const k of Object.keys(doc)) if (!TOP_LEVEL.has(k)) throw bad(`unknown top-level key "${k}" (expected ${[...TOP_LEVEL].join(', ')})`);
  const defaultCluster = doc.cluster === undefined ? 'default' : String(doc.cluster);
  if (doc.name !== undefined && (typeof doc.name !== 'string' || !/^[A-Za-z0-9_.:/=+@-]{1,128}$/.test(doc.name))) {
    throw bad('name must be 1-128 letters, digits or _.:/=+@-');
  }

  const targetGroups = list(doc, 'targetGroups').map((tg, i) => {
    const Name = requireString(tg, 'Name', `targetGroups[${i}]`);
    const attrs = tg.Attributes;
    if (attrs !== undefined && !isObject(attrs)) throw bad(`target group ${Name}: Attributes must be a mapping of key: value`);
    const out: StackTargetGroup = { ...tg, Name };
    if (attrs !== undefined) out.Attributes = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, String(v)]));
    return out;
  });
  unique(
    targetGroups.map((t) => t.Name),
    'target group',
  );
  const tgNames = new Set(targetGroups.map((t) => t.Name));

  const checkActions = (actions: unknown, where: string): StackAction[] => {
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every(isObject)) throw bad(`${where}: actions must be a non-empty list`);
    return actions.map((a, j) => {
      const Type = requireString(a, 'Type', `${where} action ${j}`);
      const name = a.TargetGroupName;
      if (name !== undefined && (typeof name !== 'string' || !tgNames.has(name))) {
        throw bad(`${where}: TargetGroupName "${String(name)}" is not a target group of this file`);
      }
      return { ...a, Type } as StackAction;
    });
  };

  const certificates = parseCertificates(list(doc, 'certificates'));
  const certNames = new Set(certificates.map((c) => c.Name));

  const loadBalancers = list(doc, 'loadBalancers').map((lb, i) => {
    const Name = requireString(lb, 'Name', `loadBalancers[${i}]`);
    const listeners = list(lb, 'Listeners').map((l, j) => {
      const where = `load balancer ${Name} listener ${j}`;
      const Port = requireInt(l, 'Port', where);
      const Rules = list(l, 'Rules').map((r, k) => {
        const rw = `${Name}:${Port} rule ${k}`;
        const Priority = requireInt(r, 'Priority', rw);
        if (!Array.isArray(r.Conditions)) throw bad(`${rw}: Conditions must be a list`);
        return { ...r, Priority, Conditions: r.Conditions as Json[], Actions: checkActions(r.Actions, rw) } as StackRule;
      });
      unique(
        Rules.map((r) => String(r.Priority)),
        `${Name}:${Port} rule priority`,
      );
      if (l.Certificates !== undefined) {
        const certs = l.Certificates;
        if (!Array.isArray(certs) || !certs.every(isObject)) throw bad(`${where}: Certificates must be a list of mappings`);
        for (const c of certs) {
          if (c.CertificateName !== undefined && (typeof c.CertificateName !== 'string' || !certNames.has(c.CertificateName))) {
            throw bad(`${where}: CertificateName "${String(c.CertificateName)}" is not a certificate of this file`);
          }
        }
      }
      const out: StackListener = { ...l, Port, DefaultActions: checkActions(l.DefaultActions, where) };
      delete out.Rules;
      if (Rules.length) out.Rules = Rules;
      return out;
    });
    unique(
      listeners.map((l) => String(l.Port)),
      `${Name} listener port`,
    );
    const out: StackLoadBalancer = { ...lb, Name };
    delete out.Listeners;
    if (listeners.length) out.Listeners = listeners;
    return out;
  });
  unique(
    loadBalancers.map((l) => l.Name),
    'load balancer',
  );

  const taskDefinitions = list(doc, 'taskDefinitions').map((td, i) => {
    const family = requireString(td, 'family', `taskDefinitions[${i}]`);
    const defs = td.containerDefinitions;
    if (!Array.isArray(defs) || defs.length === 0 || !defs.every(isObject))
      throw bad(`task definition ${family}: containerDefinitions must be a non-empty list`);
    return { ...td, family, containerDefinitions: defs } as StackTaskDefinition;
  });
  unique(
    taskDefinitions.map((t) => t.family),
    'task definition family',
  );

  const services = list(doc, 'services').map((s, i) => {
    const serviceName = requireString(s, 'serviceName', `services[${i}]`);
    const taskDefinition = requireString(s, 'taskDefinition', `service ${serviceName}`);
    const cluster = s.cluster === undefined ? defaultCluster : String(s.cluster);
    const out: StackService = { ...s, serviceName, cluster, taskDefinition };
    if (s.loadBalancers !== undefined) {
      out.loadBalancers = list(s, 'loadBalancers').map((lb) => {
        const name = lb.targetGroupName;
        if (name !== undefined && (typeof name !== 'string' || !tgNames.has(name))) {
          throw bad(`service ${serviceName}: targetGroupName "${String(name)}" is not a target group of this file`);
        }
        if (name === undefined && typeof lb.targetGroupArn !== 'string')
          throw bad(`service ${serviceName}: a load balancer needs targetGroupName or targetGroupArn`);
        return {
          ...lb,
          containerName: requireString(lb, 'containerName', `service ${serviceName}`),
          containerPort: requireInt(lb, 'containerPort', `service ${serviceName}`),
        } as StackServiceLoadBalancer;
      });
    }
    return out;
  });
  unique(
    services.map((s) => `${s.cluster}/${s.serviceName}`),
    'service',
  );

  return {
    ...(doc.name !== undefined ? { name: doc.name as string } : {}),
    defaultCluster,
    loadBalancers,
    targetGroups,
    taskDefinitions,
    services,
    ...(certificates.length > 0 ? { certificates } : {}),
  };
}
