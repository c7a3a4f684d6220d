/**
 * Walks an operation's input against the field-support table (field-support.ts) and turns the first
 * refused member into the service's own error, naming where it is. Pure.
 */
import { AwsError } from './aws-error.js';
import { FIELD_SUPPORT, type Refused, type ServiceName } from './field-support.js';

/** A member of an input that Berth refuses, with where it is (`containerDefinitions[0].secrets`). */
export interface UnsupportedField {
  readonly path: string;
  readonly value: unknown;
  readonly support: Refused;
}

const isAbsent = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

function refusedValue(s: Refused, v: unknown): unknown {
  if (v === false) return undefined; // a refused switch left off asks for nothing
  const items = Array.isArray(v) ? v : [v];
  if (s.values) return items.find((x) => s.values!.includes(String(x)));
  if (s.except) return items.find((x) => !s.except!.includes(String(x)));
  return v;
}

/** The first member of `input` the table refuses, depth first in input order; undefined when none. */
export function unsupportedField(service: ServiceName, operation: string, input: unknown): UnsupportedField | undefined {
  const table = FIELD_SUPPORT[service][operation];
  if (!table) return undefined;
  const walk = (v: unknown, pattern: string, path: string): UnsupportedField | undefined => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = walk(v[i], `${pattern}[]`, `${path}[${i}]`);
        if (hit) return hit;
      }
      return undefined;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    for (const [k, child] of Object.entries(v)) {
      if (isAbsent(child)) continue;
      const p = pattern ? `${pattern}.${k}` : k;
      const at = path ? `${path}.${k}` : k;
      const s = table[p];
      if (s?.status === 'refused') {
        const bad = refusedValue(s, child);
        if (bad !== undefined) return { path: at, value: bad, support: s };
      }
      const hit = walk(child, p, at);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(input, '', '');
}

/** Each service's code for a request member it does not take (ECS: InvalidParameterException, ClientException for task definitions). */
const DEFAULT_CODE: Partial<Record<ServiceName, string>> = {
  elbv2: 'ValidationError',
  ec2: 'InvalidParameterValue',
  sts: 'InvalidParameterValue',
  ssm: 'ValidationException',
  secretsmanager: 'InvalidParameterException',
  logs: 'InvalidParameterException',
  acm: 'InvalidParameterException',
  cloudwatch: 'InvalidParameterValue',
  applicationautoscaling: 'ValidationException',
};

/** The service's own error for a refused member: its code, and a message naming the member. */
export function refusalError(service: ServiceName, operation: string, f: UnsupportedField): AwsError {
  const code = f.support.code ?? DEFAULT_CODE[service] ?? (operation === 'RegisterTaskDefinition' ? 'ClientException' : 'InvalidParameterException');
  const what = typeof f.value === 'string' ? `${f.path} '${f.value}'` : f.path;
  return new AwsError(code, `${what} is not supported by Berth: ${f.support.reason}.`);
}

/** Throws the refusal for the first refused member of `input`, if any. */
export function checkFieldSupport(service: ServiceName, operation: string, input: unknown): void {
  const f = unsupportedField(service, operation, input);
  if (f) throw refusalError(service, operation, f);
}
