/**
 * Handler output -> AWS Query (ELBv2) or EC2 XML, compiled once per shape from the model. A small
 * string writer rather than a generic builder: the shapes already say everything about element
 * names, and concatenation is the fastest thing on this per-request path.
 *  - element name = member locationName ?? member name;
 *  - lists: `<Name><member>..</member></Name>` (the list member's locationName, EC2's `item`), flattened
 *    lists repeat `<Name>`, an empty list is `<Name/>`;
 *  - maps: `<Name><entry><key/><value/></entry></Name>`;
 *  - timestamps ISO 8601 UTC with milliseconds; booleans true/false; blobs base64.
 */
import { toEpochMs } from './json-codec.js';
import type { OperationModel, ServiceModel, Shape } from './model.js';

type Encoder = (value: unknown, name: string, out: string[]) => void;

const caches = new WeakMap<ServiceModel, Map<string, Encoder>>();

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;', '\n': '&#xA;' };

export function escapeXml(text: string): string {
  return /[&<>"'\r\n]/.test(text) ? text.replace(/[&<>"'\r\n]/g, (c) => ESCAPES[c]!) : text;
}

function encoderFor(model: ServiceModel, name: string): Encoder {
  let byName = caches.get(model);
  if (!byName) caches.set(model, (byName = new Map()));
  let e = byName.get(name);
  if (!e) {
    let impl: Encoder | undefined;
    e = (v, n, out) => (impl ??= build(model, model.shape(name)))(v, n, out);
    byName.set(name, e);
  }
  return e;
}

function text(v: string, name: string, out: string[]): void {
  out.push(`<${name}>${escapeXml(v)}</${name}>`);
}

function build(model: ServiceModel, shape: Shape): Encoder {
  switch (shape.type) {
    case 'structure': {
      const members = structureMembers(model, shape);
      return (v, name, out) => {
        if (typeof v !== 'object' || v === null) return;
        out.push(`<${name}>`);
        writeMembers(members, v as Record<string, unknown>, out);
        out.push(`</${name}>`);
      };
    }
    case 'list': {
      const item = encoderFor(model, shape.member!.shape);
      const itemName = shape.member!.locationName ?? 'member';
      if (shape.flattened) {
        return (v, name, out) => {
          if (Array.isArray(v)) for (const x of v) if (x !== undefined && x !== null) item(x, name, out);
        };
      }
      return (v, name, out) => {
        if (!Array.isArray(v)) return;
        if (v.length === 0) {
          out.push(`<${name}/>`);
          return;
        }
        out.push(`<${name}>`);
        for (const x of v) if (x !== undefined && x !== null) item(x, itemName, out);
        out.push(`</${name}>`);
      };
    }
    case 'map': {
      const val = encoderFor(model, shape.value!.shape);
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      return (v, name, out) => {
        if (typeof v !== 'object' || v === null) return;
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
        out.push(`<${name}>`);
        for (const [k, x] of entries) {
          if (x === undefined || x === null) continue;
          out.push('<entry>');
          text(String(k), keyName, out);
          val(x, valueName, out);
          out.push('</entry>');
        }
        out.push(`</${name}>`);
      };
    }
    case 'timestamp':
      return (v, name, out) => {
        const ms = toEpochMs(v);
        if (ms !== undefined && Number.isFinite(ms)) text(new Date(ms).toISOString(), name, out);
      };
    case 'blob':
      return (v, name, out) => text(v instanceof Uint8Array ? Buffer.from(v).toString('base64') : String(v), name, out);
    default:
      return (v, name, out) => text(String(v), name, out);
  }
}

interface Member {
  readonly name: string;
  readonly element: string;
  readonly encode: Encoder;
}

function structureMembers(model: ServiceModel, shape: Shape): Member[] {
  return Object.entries(shape.members ?? {}).map(([name, ref]) => ({
    name,
    element: ref.locationName ?? name,
    encode: encoderFor(model, ref.shape),
  }));
}

function writeMembers(members: readonly Member[], v: Record<string, unknown>, out: string[]): void {
  for (const m of members) {
    const x = v[m.name];
    if (x !== undefined && x !== null) m.encode(x, m.element, out);
  }
}

const memberCache = new WeakMap<Shape, Member[]>();

function outputMembers(model: ServiceModel, op: OperationModel): Member[] {
  if (!op.output) return [];
  const shape = model.shape(op.output.shape);
  let members = memberCache.get(shape);
  if (!members) memberCache.set(shape, (members = structureMembers(model, shape)));
  return members;
}

/** `<OpResponse xmlns><OpResult>..</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>`. */
export function encodeQueryResponse(model: ServiceModel, op: OperationModel, output: unknown, requestId: string): string {
  const ns = model.metadata.xmlNamespace ?? '';
  const wrapper = op.output?.resultWrapper ?? `${op.name}Result`;
  const out: string[] = [`<${op.name}Response xmlns="${ns}">`];
  const start = out.push(`<${wrapper}>`);
  writeMembers(outputMembers(model, op), (output ?? {}) as Record<string, unknown>, out);
  if (out.length === start) out[start - 1] = `<${wrapper}/>`;
  else out.push(`</${wrapper}>`);
  out.push(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${op.name}Response>`);
  return out.join('');
}

/** EC2's namespace, with the trailing slash real EC2 answers with (the model leaves it off). */
export function ec2Namespace(model: ServiceModel): string {
  const ns = model.metadata.xmlNamespace ?? 'http://ec2.amazonaws.com/doc/2016-11-15';
  return ns.endsWith('/') ? ns : `${ns}/`;
}

/** `<OpResponse xmlns><requestId/>..members by locationName..</OpResponse>`. */
export function encodeEc2Response(model: ServiceModel, op: OperationModel, output: unknown, requestId: string): string {
  const out: string[] = [`<${op.name}Response xmlns="${ec2Namespace(model)}"><requestId>${escapeXml(requestId)}</requestId>`];
  writeMembers(outputMembers(model, op), (output ?? {}) as Record<string, unknown>, out);
  out.push(`</${op.name}Response>`);
  return out.join('');
}
