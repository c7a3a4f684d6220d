/**
 * Requests built from the vendored models, for the bad-input suite and the fuzz test: the smallest
 * valid input of an operation (its required members, each a valid value), every way to break one
 * member the model constrains (a required member left out, an enum value outside its set, a number
 * outside its range, a string over its length), and the wire encodings of an input (ECS JSON 1.1,
 * ELBv2 Query, EC2 Query). Pure: model in, requests out.
 */
import type { OperationModel, ServiceModel, Shape } from '../../src/control-plane/api/model.js';
import { wireName } from '../../src/control-plane/api/query-decoder.js';

export type Segment = string | number;
export type ProbeKind = 'missing' | 'enum' | 'range' | 'length';

export interface Probe {
  readonly kind: ProbeKind;
  /** Member names (and list indexes) from the input's top, e.g. ['containerDefinitions', 0, 'name']. */
  readonly path: readonly Segment[];
  /** The wrong value (absent for `missing`). */
  readonly value?: unknown;
  /** The member's name in the model and on the wire, one of which an error message must name. */
  readonly names: readonly string[];
}

/** Longer strings than this are not probed for length (none of the served operations has one that is bounded higher). */
const MAX_PROBED_LENGTH = 300_000;
const MAX_DEPTH = 4;

/** A valid value of a shape: required members only, lists of their minimum length (at least one item), the first enum value. */
export function validValue(model: ServiceModel, shapeName: string, depth = 0): unknown {
  const s = model.shape(shapeName);
  switch (s.type) {
    case 'structure': {
      const o: Record<string, unknown> = {};
      if (s.document) return o;
      // A required structure with no required members of its own (CloudWatch's MetricStat.Metric) still
      // needs a member, or it would vanish from a Query form and read as missing.
      for (const r of s.required ?? []) o[r] = visibleValue(model, s.members![r]!.shape, depth + 1);
      return o;
    }
    case 'list': {
      const n = Math.max(1, s.min ?? 0);
      return depth > MAX_DEPTH && (s.min ?? 0) === 0 ? [] : Array.from({ length: n }, () => validValue(model, s.member!.shape, depth + 1));
    }
    case 'map':
      return {};
    case 'string':
      if (s.enum) return s.enum[0];
      return 'a'.repeat(Math.min(Math.max(1, s.min ?? 1), s.max ?? Infinity));
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return Math.min(Math.max(1, s.min ?? 1), s.max ?? Infinity);
    case 'boolean':
      return true;
    case 'timestamp':
      return 1_700_000_000;
    case 'blob':
      return 'eA==';
  }
}

/** Every single-member violation the model allows to be made in an operation's input. */
export function probesOf(model: ServiceModel, op: OperationModel): Probe[] {
  const out: Probe[] = [];
  if (!op.input) return out;
  const visit = (shapeName: string, path: Segment[], depth: number, seen: ReadonlySet<string>): void => {
    const s = model.shape(shapeName);
    if (s.type !== 'structure' || s.document || depth > MAX_DEPTH) return;
    for (const [name, ref] of Object.entries(s.members ?? {})) {
      const names = [name, wireName('query', name, ref), wireName('ec2', name, ref)];
      const at = [...path, name];
      if (s.required?.includes(name)) out.push({ kind: 'missing', path: at, names });
      const target = model.shape(ref.shape);
      if (target.type === 'list') {
        const item = model.shape(target.member!.shape);
        scalarProbes(item, [...at, 0], names, out);
        if (item.type === 'structure' && !seen.has(target.member!.shape)) {
          visit(target.member!.shape, [...at, 0], depth + 1, new Set([...seen, target.member!.shape]));
        }
      } else if (target.type === 'structure') {
        if (!seen.has(ref.shape)) visit(ref.shape, at, depth + 1, new Set([...seen, ref.shape]));
      } else scalarProbes(target, at, names, out);
    }
  };
  visit(op.input.shape, [], 0, new Set([op.input.shape]));
  return out;
}

function scalarProbes(s: Shape, path: Segment[], names: readonly string[], out: Probe[]): void {
  if (s.type === 'string') {
    if (s.enum) out.push({ kind: 'enum', path, value: 'NOT_A_VALUE', names });
    else if (s.max !== undefined && s.max < MAX_PROBED_LENGTH) out.push({ kind: 'length', path, value: 'x'.repeat(s.max + 1), names });
  }
  if (s.type === 'integer' || s.type === 'long') {
    if (s.min !== undefined && Number.isSafeInteger(s.min - 1)) out.push({ kind: 'range', path, value: s.min - 1, names });
    if (s.max !== undefined && Number.isSafeInteger(s.max + 1)) out.push({ kind: 'range', path, value: s.max + 1, names });
  }
}

/** The operation's smallest valid input with one probe applied (intermediate members made valid as needed). */
export function inputWith(model: ServiceModel, op: OperationModel, probe: Probe): Record<string, unknown> {
  const root = validValue(model, op.input!.shape) as Record<string, unknown>;
  let node: unknown = root;
  let shape = model.shape(op.input!.shape);
  for (let i = 0; i < probe.path.length - 1; i++) {
    const seg = probe.path[i]!;
    const nextShapeName = typeof seg === 'number' ? shape.member!.shape : shape.members![seg]!.shape;
    const container = node as Record<string | number, unknown>;
    if (container[seg] === undefined) container[seg] = validValue(model, nextShapeName);
    const next = container[seg];
    if (Array.isArray(next) && next.length === 0) next.push(validValue(model, model.shape(nextShapeName).member!.shape));
    node = next;
    shape = model.shape(nextShapeName);
  }
  const last = probe.path[probe.path.length - 1]!;
  const container = node as Record<string | number, unknown>;
  if (probe.kind === 'missing') {
    delete container[last];
    // A structure left empty would vanish from a Query form (nothing names it): keep it on the wire
    // through another member, so what is missing is the one member.
    const others = Object.entries(shape.members ?? {}).filter(([k]) => k !== last);
    const scalar = others.find(([, ref]) => !['structure', 'list', 'map'].includes(model.shape(ref.shape).type)) ?? others[0];
    if (Object.keys(container).length === 0 && probe.path.length > 1 && scalar) container[scalar[0]] = visibleValue(model, scalar[1].shape);
  } else container[last] = probe.value;
  return root;
}

/** A valid value that shows on a Query wire: a structure without required members still gets one. */
function visibleValue(model: ServiceModel, shapeName: string, depth = 0): unknown {
  const s = model.shape(shapeName);
  const v = validValue(model, shapeName);
  if (depth > MAX_DEPTH) return v;
  if (s.type === 'structure' && Object.keys(v as object).length === 0) {
    const first = Object.entries(s.members ?? {})[0];
    return first ? { [first[0]]: visibleValue(model, first[1].shape, depth + 1) } : v;
  }
  if (s.type === 'list') return [visibleValue(model, s.member!.shape, depth + 1)];
  return v;
}

/** ECS's awsJson1_1 body. */
export const jsonBody = (input: unknown): string => JSON.stringify(input);

/** An ELBv2 (`query`) or EC2 (`ec2`) form body, named as botocore's serializers name things. */
export function formBody(model: ServiceModel, dialect: 'query' | 'ec2', op: OperationModel, input: Record<string, unknown>): string {
  const parts: string[] = [`Action=${op.name}`, `Version=${model.metadata.apiVersion}`];
  const put = (k: string, v: unknown): void => void parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  const walk = (shapeName: string, prefix: string, v: unknown): void => {
    if (v === undefined || v === null) return;
    const s = model.shape(shapeName);
    if (s.type === 'structure' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        // Own members only: a generated key such as `constructor` is no member.
        const ref = s.members && Object.hasOwn(s.members, k) ? s.members[k] : undefined;
        if (ref) walk(ref.shape, `${prefix}.${wireName(dialect, k, ref)}`, x);
      }
      return;
    }
    if (s.type === 'list' && Array.isArray(v)) {
      if (v.length === 0 && dialect === 'query') return put(prefix, '');
      const holder = dialect === 'ec2' || s.flattened ? '' : `.${s.member!.locationName ?? 'member'}`;
      v.forEach((x, i) => walk(s.member!.shape, `${prefix}${holder}.${i + 1}`, x));
      return;
    }
    if (s.type === 'map' && typeof v === 'object') {
      Object.entries(v as Record<string, unknown>).forEach(([k, x], i) => {
        put(`${prefix}.entry.${i + 1}.${s.key!.locationName ?? 'key'}`, k);
        walk(s.value!.shape, `${prefix}.entry.${i + 1}.${s.value!.locationName ?? 'value'}`, x);
      });
      return;
    }
    put(prefix, s.type === 'timestamp' && typeof v === 'number' ? new Date(v * 1000).toISOString() : v);
  };
  const s = model.shape(op.input!.shape);
  for (const [k, x] of Object.entries(input)) {
    const ref = s.members && Object.hasOwn(s.members, k) ? s.members[k] : undefined;
    if (ref) walk(ref.shape, wireName(dialect, k, ref), x);
  }
  return parts.join('&');
}
