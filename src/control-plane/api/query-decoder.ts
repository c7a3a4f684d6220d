/**
 * AWS Query (ELBv2) and EC2 request decoding, compiled once per shape from the model. The two
 * dialects differ only in names, following botocore's QuerySerializer / EC2Serializer:
 *  - query: member = locationName ?? name; list = `Name.member.N` (member's locationName if set),
 *    or `Name.N` when flattened; map = `Name.entry.N.key|value`; bare `Name=` = empty list.
 *  - ec2: member = queryName ?? Capitalized(locationName) ?? name; every list is `Name.N`.
 * Strings become numbers/booleans/timestamps (ISO 8601 or epoch seconds -> epoch ms). Bad values and
 * constraint violations are collected, then reported the way each service words them.
 */
import { checkValue, indexPath, keyPath, memberPath, missing, wrongType, type Path, type Violation } from './constraints.js';
import { numbered, type Form, type FormNode } from './form-tree.js';
import { validationFailure } from './validation-failure.js';
import type { OperationModel, ServiceModel, Shape, ShapeRef } from './model.js';

export type QueryDialect = 'query' | 'ec2';

type Decoder = (node: FormNode, path: Path, out: Violation[]) => unknown;

const caches = new WeakMap<ServiceModel, Map<string, Decoder>>();

function decoderFor(model: ServiceModel, dialect: QueryDialect, name: string): Decoder {
  let byName = caches.get(model);
  if (!byName) caches.set(model, (byName = new Map()));
  const cacheKey = `${dialect}:${name}`;
  let d = byName.get(cacheKey);
  if (!d) {
    let impl: Decoder | undefined;
    d = (n, p, out) => (impl ??= build(model, dialect, model.shape(name)))(n, p, out);
    byName.set(cacheKey, d);
  }
  return d;
}

export function wireName(dialect: QueryDialect, name: string, ref: ShapeRef): string {
  if (dialect === 'query') return ref.locationName ?? name;
  if (ref.queryName) return ref.queryName;
  if (ref.locationName) return ref.locationName.charAt(0).toUpperCase() + ref.locationName.slice(1);
  return name;
}

const INTEGER = /^[-+]?\d+$/;

function build(model: ServiceModel, dialect: QueryDialect, shape: Shape): Decoder {
  const scalar =
    (convert: (s: string) => unknown, expected: string): Decoder =>
    (node, p, out) => {
      const v = node.v === undefined ? undefined : convert(node.v);
      if (v === undefined) {
        out.push(wrongType(p, node.v ?? '', expected));
        return undefined;
      }
      checkValue(shape, v, p, out);
      return v;
    };
  switch (shape.type) {
    case 'structure': {
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({
        name,
        wire: wireName(dialect, name, ref),
        decode: decoderFor(model, dialect, ref.shape),
      }));
      const required = (shape.required ?? []).map((name) => ({ name, wire: wireName(dialect, name, shape.members![name]!) }));
      return (node, p, out) => {
        const res: Record<string, unknown> = {};
        for (const m of members) {
          const child = node.c?.get(m.wire);
          if (!child) continue;
          const v = m.decode(child, memberPath(p, m.name, m.wire), out);
          if (v !== undefined) res[m.name] = v;
        }
        // A present but undecodable member already reported its type error.
        for (const r of required) if (!node.c?.has(r.wire)) out.push(missing(memberPath(p, r.name, r.wire)));
        return res;
      };
    }
    case 'list': {
      const ref = shape.member!;
      const item = decoderFor(model, dialect, ref.shape);
      const holder = dialect === 'ec2' || shape.flattened ? undefined : (ref.locationName ?? 'member');
      return (node, p, out) => {
        const res: unknown[] = [];
        const items = numbered(holder ? node.c?.get(holder) : node);
        for (let i = 0; i < items.length; i++) {
          const v = item(items[i]!, indexPath(p, i), out);
          if (v !== undefined) res.push(v);
        }
        checkValue(shape, res, p, out);
        return res;
      };
    }
    case 'map': {
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const val = decoderFor(model, dialect, shape.value!.shape);
      return (node, p, out) => {
        const res: Record<string, unknown> = {};
        for (const entry of numbered(shape.flattened ? node : node.c?.get('entry'))) {
          const k = entry.c?.get(keyName)?.v;
          const vn = entry.c?.get(valueName);
          if (k === undefined || !vn) continue;
          const v = val(vn, keyPath(p, k), out);
          if (v !== undefined) res[k] = v;
        }
        checkValue(shape, res, p, out);
        return res;
      };
    }
    case 'string':
      return scalar((s) => s, 'a string');
    case 'integer':
    case 'long':
      return scalar((s) => (INTEGER.test(s.trim()) ? Number(s) : undefined), 'an integer');
    case 'double':
    case 'float':
      return scalar((s) => (s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : undefined), 'a number');
    case 'boolean':
      return scalar((s) => (s.toLowerCase() === 'true' ? true : s.toLowerCase() === 'false' ? false : undefined), 'a boolean');
    case 'timestamp':
      return scalar((s) => {
        const n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : Date.parse(s);
        return Number.isNaN(n) ? undefined : Math.round(n);
      }, 'a timestamp');
    case 'blob':
      return scalar((s) => Buffer.from(s, 'base64'), 'base64');
  }
}

/** Decodes and validates a Query/EC2 form into the handler's input. */
export function decodeQueryInput(model: ServiceModel, dialect: QueryDialect, op: OperationModel, form: Form): Record<string, unknown> {
  if (!op.input) return {};
  const out: Violation[] = [];
  const input = decoderFor(model, dialect, op.input.shape)(form.root, undefined, out) as Record<string, unknown>;
  if (out.length > 0) {
    throw validationFailure(model, out);
  }
  return input;
}
