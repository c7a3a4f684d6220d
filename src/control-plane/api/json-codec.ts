/**
 * ECS's awsJson1_1 body codec, compiled once per shape from the model.
 *
 * Input: the JSON body becomes the handler's input object. Unknown members are dropped (AWS ignores
 * them), null counts as absent, timestamps (epoch seconds) become epoch ms. A value of the wrong JSON
 * type is a SerializationException, as Coral answers when Jackson cannot bind a value. Constraint
 * violations (required, enum, range, length) are collected and become one InvalidParameterException.
 * Coral's generic JSON services say `ValidationException` here, but ECS does not model that code and
 * answers bad parameters with its modeled InvalidParameterException, so SDKs raise a typed class;
 * we keep Coral's "N validation error(s) detected: ..." wording inside it.
 *
 * Output: only members the output shape declares, no null/undefined, timestamps in epoch seconds.
 */
import { AwsError } from '../../domain/aws-error.js';
import { checkValue, indexPath, keyPath, memberPath, missing, type Path, type Violation } from './constraints.js';
import type { OperationModel, ServiceModel, Shape } from './model.js';
import { validationFailure } from './validation-failure.js';

type Decoder = (value: unknown, path: Path, out: Violation[]) => unknown;
type Encoder = (value: unknown) => unknown;

const decoders = new WeakMap<ServiceModel, Map<string, Decoder>>();
/** JSON writes timestamps as epoch seconds and blobs as base64; CBOR as tag-1 dates and byte strings. */
export type OutputFlavor = 'json' | 'cbor';
const encoders: Record<OutputFlavor, WeakMap<ServiceModel, Map<string, Encoder>>> = { json: new WeakMap(), cbor: new WeakMap() };

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'Start of list';
  switch (typeof v) {
    case 'string':
      return 'STRING_VALUE';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return v ? 'TRUE_VALUE' : 'FALSE_VALUE';
    default:
      return 'Start of structure or map';
  }
}

function mismatch(v: unknown, target: string): AwsError {
  const kind = jsonKind(v);
  return kind.startsWith('Start') ? serialization(`${kind} found where not expected.`) : serialization(`${kind} can not be converted to ${target}`);
}

/** Lazy and memoised per (model, shape): recursive shapes resolve through the cache. */
function decoderFor(model: ServiceModel, name: string): Decoder {
  let byName = decoders.get(model);
  if (!byName) decoders.set(model, (byName = new Map()));
  let d = byName.get(name);
  if (!d) {
    let impl: Decoder | undefined;
    d = (v, p, out) => (impl ??= buildDecoder(model, model.shape(name)))(v, p, out);
    byName.set(name, d);
  }
  return d;
}

function buildDecoder(model: ServiceModel, shape: Shape): Decoder {
  const check = (v: unknown, p: Path, out: Violation[]): void => checkValue(shape, v, p, out);
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return (v) => v;
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({ name, decode: decoderFor(model, ref.shape) }));
      const required = shape.required ?? [];
      return (v, p, out) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw mismatch(v, 'a structure');
        const src = v as Record<string, unknown>;
        const res: Record<string, unknown> = {};
        for (const m of members) {
          const x = src[m.name];
          if (x !== undefined && x !== null) res[m.name] = m.decode(x, memberPath(p, m.name), out);
        }
        for (const r of required) if (res[r] === undefined) out.push(missing(memberPath(p, r)));
        return res;
      };
    }
    case 'list': {
      const item = decoderFor(model, shape.member!.shape);
      return (v, p, out) => {
        if (!Array.isArray(v)) throw mismatch(v, 'a list');
        const res: unknown[] = [];
        for (let i = 0; i < v.length; i++) if (v[i] !== null) res.push(item(v[i], indexPath(p, i), out));
        check(res, p, out);
        return res;
      };
    }
    case 'map': {
      const val = decoderFor(model, shape.value!.shape);
      const key = decoderFor(model, shape.key!.shape);
      return (v, p, out) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw mismatch(v, 'a map');
        const res: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          key(k, keyPath(p, k), out);
          if (x !== null) res[k] = val(x, keyPath(p, k), out);
        }
        check(res, p, out);
        return res;
      };
    }
    case 'string':
      return (v, p, out) => {
        if (typeof v !== 'string') throw mismatch(v, 'a String');
        check(v, p, out);
        return v;
      };
    case 'integer':
    case 'long':
      return (v, p, out) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(v, shape.type === 'long' ? 'a Long' : 'an Integer');
        check(v, p, out);
        return v;
      };
    case 'double':
    case 'float':
      return (v, p, out) => {
        if (typeof v !== 'number') throw mismatch(v, 'a Double');
        check(v, p, out);
        return v;
      };
    case 'boolean':
      return (v) => {
        if (typeof v !== 'boolean') throw mismatch(v, 'a Boolean');
        return v;
      };
    case 'timestamp':
      return (v) => {
        if (typeof v === 'number') return Math.round(v * 1000);
        if (typeof v === 'string') {
          const n = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
          if (!Number.isNaN(n)) return Math.round(n);
        }
        throw mismatch(v, 'a Date');
      };
    case 'blob':
      return (v) => {
        if (typeof v !== 'string') throw mismatch(v, 'a ByteBuffer');
        return Buffer.from(v, 'base64');
      };
  }
}

/** Parses and validates a JSON request body into the handler's input. */
export function decodeJsonInput(model: ServiceModel, op: OperationModel, body: string | Buffer): Record<string, unknown> {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let parsed: unknown = {};
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw serialization('Malformed JSON: the request body could not be parsed');
    }
  }
  return decodeJsonValue(model, op, parsed);
}

/**
 * Validates an already parsed body (JSON, or CBOR with timestamps as epoch seconds and blobs as
 * base64, which is what cbor-codec.ts hands over) into the handler's input.
 */
export function decodeJsonValue(model: ServiceModel, op: OperationModel, parsed: unknown): Record<string, unknown> {
  if (!op.input) return {};
  const out: Violation[] = [];
  const input = decoderFor(model, op.input.shape)(parsed, undefined, out) as Record<string, unknown>;
  if (out.length > 0) throw validationFailure(model, out);
  return input;
}

function encoderFor(model: ServiceModel, name: string, flavor: OutputFlavor): Encoder {
  let byName = encoders[flavor].get(model);
  if (!byName) encoders[flavor].set(model, (byName = new Map()));
  let e = byName.get(name);
  if (!e) {
    let impl: Encoder | undefined;
    e = (v) => (impl ??= buildEncoder(model, model.shape(name), flavor))(v);
    byName.set(name, e);
  }
  return e;
}

export function toEpochMs(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Date.parse(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function buildEncoder(model: ServiceModel, shape: Shape, flavor: OutputFlavor): Encoder {
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return (v) => v;
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({ name, encode: encoderFor(model, ref.shape, flavor) }));
      return (v) => {
        if (typeof v !== 'object' || v === null) return undefined;
        const src = v as Record<string, unknown>;
        const res: Record<string, unknown> = {};
        for (const m of members) {
          const x = src[m.name];
          if (x === undefined || x === null) continue;
          const enc = m.encode(x);
          if (enc !== undefined) res[m.name] = enc;
        }
        return res;
      };
    }
    case 'list': {
      const item = encoderFor(model, shape.member!.shape, flavor);
      return (v) => (Array.isArray(v) ? v.map(item).filter((x) => x !== undefined) : undefined);
    }
    case 'map': {
      const val = encoderFor(model, shape.value!.shape, flavor);
      return (v) => {
        if (typeof v !== 'object' || v === null) return undefined;
        const res: Record<string, unknown> = {};
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
        for (const [k, x] of entries) {
          const enc = x === undefined || x === null ? undefined : val(x);
          if (enc !== undefined) res[String(k)] = enc;
        }
        return res;
      };
    }
    case 'timestamp':
      return (v) => {
        const ms = toEpochMs(v);
        if (ms === undefined) return undefined;
        return flavor === 'cbor' ? new Date(ms) : ms / 1000;
      };
    case 'blob':
      if (flavor === 'cbor') return (v) => (v instanceof Uint8Array ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined);
      return (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v);
    default:
      return (v) => v;
  }
}

/** Serializes a handler's output for the wire: declared members only, timestamps in epoch seconds. */
export function encodeJsonOutput(model: ServiceModel, op: OperationModel, output: unknown): string {
  if (!op.output) return '{}';
  return JSON.stringify(encodeOutputValue(model, op, output, 'json'));
}

/** A handler's output as the wire value of `flavor`, before serialization. */
export function encodeOutputValue(model: ServiceModel, op: OperationModel, output: unknown, flavor: OutputFlavor): unknown {
  if (!op.output) return {};
  return encoderFor(model, op.output.shape, flavor)(output ?? {}) ?? {};
}
