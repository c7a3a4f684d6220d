/**
 * DescribeAccountLimits: the limits Berth enforces, under AWS's names. A limit AWS has and Berth does
 * not enforce (application-load-balancers, target-groups, ...) is not listed: listing it would promise
 * a refusal that never comes.
 */
import { MAX_TARGET_GROUPS_PER_FORWARD } from './action.js';
import { MAX_VALUES_PER_RULE, MAX_WILDCARDS_PER_RULE } from './condition.js';
import { MAX_LISTENERS_PER_LOAD_BALANCER, MAX_RULES_PER_LOAD_BALANCER } from './listener.js';

export interface Limit {
  Name: string;
  /** A string on the wire, as in AWS's answer. */
  Max: string;
}

export function accountLimits(): Limit[] {
  return [
    { Name: 'condition-values-per-alb-rule', Max: String(MAX_VALUES_PER_RULE) },
    { Name: 'condition-wildcards-per-alb-rule', Max: String(MAX_WILDCARDS_PER_RULE) },
    { Name: 'listeners-per-application-load-balancer', Max: String(MAX_LISTENERS_PER_LOAD_BALANCER) },
    { Name: 'rules-per-application-load-balancer', Max: String(MAX_RULES_PER_LOAD_BALANCER) },
    { Name: 'target-groups-per-action-on-application-load-balancer', Max: String(MAX_TARGET_GROUPS_PER_FORWARD) },
  ];
}
