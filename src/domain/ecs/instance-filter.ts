/**
 * A subset of the cluster query language for ListContainerInstances `filter`:
 * terms `attribute:<name> == <value>`, `attribute:<name> != <value>`, `attribute:<name> exists`,
 * `ec2InstanceId == <id>`, `agentConnected == true|false`, joined with `and`.
 * Anything else is refused rather than silently matching everything.
 */
import { AwsError } from '../aws-error.js';
import type { Attribute } from './records.js';

export type FilterTerm =
  | { kind: 'attribute'; name: string; op: '==' | '!=' | 'exists'; value?: string }
  | { kind: 'ec2InstanceId'; op: '==' | '!='; value: string }
  | { kind: 'agentConnected'; value: boolean };

const TERM = /^\s*(attribute:[^\s=!]+|ec2InstanceId|agentConnected)\s*(==|!=|exists)\s*([^\s]*)\s*$/;

export function parseInstanceFilter(expression: string): FilterTerm[] {
  return expression.split(/\s+and\s+/i).map((part) => {
    const m = TERM.exec(part);
    if (!m) throw new AwsError('InvalidParameterException', `Unsupported filter expression: ${part.trim()}`);
    const [, subject, op, value] = m as unknown as [string, string, '==' | '!=' | 'exists', string];
    if (op === 'exists' ? value !== '' : value === '') {
      throw new AwsError('InvalidParameterException', `Unsupported filter expression: ${part.trim()}`);
    }
    if (subject.startsWith('attribute:')) {
      return { kind: 'attribute', name: subject.slice('attribute:'.length), op, ...(op !== 'exists' ? { value } : {}) };
    }
    if (subject === 'agentConnected' && op === '==' && (value === 'true' || value === 'false')) {
      return { kind: 'agentConnected', value: value === 'true' };
    }
    if (subject === 'ec2InstanceId' && op !== 'exists') return { kind: 'ec2InstanceId', op, value };
    throw new AwsError('InvalidParameterException', `Unsupported filter expression: ${part.trim()}`);
  });
}

export function matchesFilter(
  terms: FilterTerm[],
  instance: { ec2InstanceId: string; agentConnected: boolean; attributes: Attribute[] },
): boolean {
  return terms.every((t) => {
    switch (t.kind) {
      case 'agentConnected':
        return instance.agentConnected === t.value;
      case 'ec2InstanceId':
        return (instance.ec2InstanceId === t.value) === (t.op === '==');
      case 'attribute': {
        const a = instance.attributes.find((x) => x.name === t.name);
        if (t.op === 'exists') return a !== undefined;
        return ((a?.value ?? undefined) === t.value) === (t.op === '==');
      }
    }
  });
}
