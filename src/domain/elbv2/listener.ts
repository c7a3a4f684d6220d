/** Listener and rule records. A listener's default actions live in its default rule. */
import type { Action } from './action.js';
import type { RuleCondition } from './condition.js';

export interface ListenerRecord {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: 'HTTP' | 'HTTPS';
  /** HTTPS: the security policy (a name in ssl-policy.ts). */
  SslPolicy?: string;
  /** HTTPS: the default certificate (Certificates[0] of Create/ModifyListener). */
  certificateArn?: string;
  /** HTTPS: AddListenerCertificates' certificates, chosen by SNI; never the default one. */
  sniCertificateArns?: string[];
  /** The rule whose actions are the listener's DefaultActions. */
  defaultRuleArn: string;
  createdAt: number;
  /** Listener attributes set by ModifyListenerAttributes; the catalogue's defaults otherwise. */
  attributes?: Record<string, string>;
}

export interface RuleRecord {
  RuleArn: string;
  ListenerArn: string;
  LoadBalancerArn: string;
  /** 1-50000 as a string, or `default`, as the API shows it. */
  Priority: string;
  IsDefault: boolean;
  Conditions: RuleCondition[];
  Actions: Action[];
  createdAt: number;
}

export const MAX_LISTENERS_PER_LOAD_BALANCER = 50;
export const MAX_RULES_PER_LOAD_BALANCER = 100;

/** A rule priority (1-50000), or undefined when it is not one. */
export function parsePriority(priority: unknown): number | undefined {
  const n = typeof priority === 'string' && /^\d+$/.test(priority) ? Number(priority) : priority;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 50000 ? n : undefined;
}

export function listenerView(l: ListenerRecord, defaultRule: RuleRecord | undefined): Record<string, unknown> {
  return {
    ListenerArn: l.ListenerArn,
    LoadBalancerArn: l.LoadBalancerArn,
    Port: l.Port,
    Protocol: l.Protocol,
    ...(l.Protocol === 'HTTPS' && l.certificateArn ? { Certificates: [{ CertificateArn: l.certificateArn }] } : {}),
    ...(l.Protocol === 'HTTPS' && l.SslPolicy ? { SslPolicy: l.SslPolicy } : {}),
    DefaultActions: defaultRule?.Actions ?? [],
  };
}

export function ruleView(r: RuleRecord): Record<string, unknown> {
  return { RuleArn: r.RuleArn, Priority: r.Priority, Conditions: r.Conditions, Actions: r.Actions, IsDefault: r.IsDefault };
}

/** Numeric priority order, the default rule last: the order rules are evaluated in. */
export function compareRules(a: RuleRecord, b: RuleRecord): number {
  const pa = a.IsDefault ? Infinity : Number(a.Priority);
  const pb = b.IsDefault ? Infinity : Number(b.Priority);
  return pa - pb;
}
