/**
 * Smithy RPC v2 CBOR bodies (what current boto3 and the SDKs' CBOR protocol send CloudWatch), on
 * cbor-x. A request body becomes the plain value the JSON decoder validates (timestamps, tag 1,
 * as epoch seconds; byte strings as base64), so one set of model-driven checks serves all three
 * protocols. Anything the JSON data model has no place for (cbor-x's records, dates as strings of
 * another form, RegExp, Map, Set, integers past 2^53) is a SerializationException, never a surprise in a handler.
 */
import { Decoder, Encoder } from 'cbor-x';
import { AwsError } from '../../domain/aws-error.js';
import { decodeJsonValue, encodeOutputValue } from './json-codec.js';
import type { OperationModel, ServiceModel } from './model.js';

export const CBOR_CONTENT_TYPE = 'application/cbor';
export const SMITHY_PROTOCOL = 'rpc-v2-cbor';

const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
// Outputs are plain objects (never Maps), so no tag 259; byte strings go untagged, as Smithy wants.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false, variableMapSize: true });

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

/** CBOR's data model narrowed to JSON's, as the shape decoders expect it. */
function plain(v: unknown, depth: number): unknown {
  if (depth > 64) throw serialization('The CBOR body nests deeper than 64 levels.');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
    throw serialization(`The CBOR body holds the integer ${v}, beyond what any input member can take.`);
  }
  if (v instanceof Date) return v.getTime() / 1000;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x, depth + 1);
    return out;
  }
  throw serialization(`The CBOR body holds a ${typeof v === 'object' ? (v.constructor?.name ?? 'tagged value') : typeof v}, which no input member can take.`);
}

export function decodeCborInput(model: ServiceModel, op: OperationModel, body: Buffer): Record<string, unknown> {
  let parsed: unknown = {};
  if (body.length > 0) {
    try {
      parsed = decoder.decode(body);
    } catch (err) {
      throw serialization(`Malformed CBOR: the request body could not be decoded (${err instanceof Error ? err.message : String(err)}).`);
    }
  }
  return decodeJsonValue(model, op, plain(parsed, 0));
}

export function encodeCborOutput(model: ServiceModel, op: OperationModel, output: unknown): Buffer {
  return encoder.encode(encodeOutputValue(model, op, output, 'cbor'));
}

export function encodeCborValue(value: unknown): Buffer {
  return encoder.encode(value);
}
