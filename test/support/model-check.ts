/**
 * Checks a raw response body against the vendored model's output shape of its operation: no member
 * the model lacks, values of the declared type (numbers, booleans, timestamps, enums), required
 * members present. One checker per wire protocol: ECS JSON 1.1, ELBv2 Query XML and EC2 XML.
 * Error answers are checked for their protocol's envelope, and a modeled exception's members.
 * Pure: body in, problems out (empty when the body is what the model says).
 */
import { XMLParser } from 'fast-xml-parser';
import type { OperationModel, ServiceModel, Shape } from '../../src/control-plane/api/model.js';

type Problems = string[];

const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : (JSON.stringify(v)?.slice(0, 60) ?? String(v)));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEnum(shape: Shape, v: string, path: string, out: Problems): void {
  if (shape.enum && !shape.enum.includes(v)) out.push(`${path}: ${describe(v)} is not one of [${shape.enum.join(', ')}]`);
}

function checkJson(model: ServiceModel, shapeName: string, v: unknown, path: string, out: Problems): void {
  const shape = model.shape(shapeName);
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return;
      if (!isObject(v)) return void out.push(`${path}: ${describe(v)} is not a structure (${shapeName})`);
      const members = shape.members ?? {};
      for (const [k, x] of Object.entries(v)) {
        const ref = members[k];
        if (!ref) out.push(`${path}.${k}: no such member of ${shapeName}`);
        else if (x === null) out.push(`${path}.${k}: null (absent members are left out)`);
        else checkJson(model, ref.shape, x, `${path}.${k}`, out);
      }
      for (const r of shape.required ?? []) if (v[r] === undefined) out.push(`${path}.${r}: required member of ${shapeName} missing`);
      return;
    }
    case 'list':
      if (!Array.isArray(v)) return void out.push(`${path}: ${describe(v)} is not a list (${shapeName})`);
      v.forEach((x, i) => checkJson(model, shape.member!.shape, x, `${path}[${i}]`, out));
      return;
    case 'map':
      if (!isObject(v)) return void out.push(`${path}: ${describe(v)} is not a map (${shapeName})`);
      for (const [k, x] of Object.entries(v)) {
        checkJson(model, shape.key!.shape, k, `${path}{key}`, out);
        checkJson(model, shape.value!.shape, x, `${path}{${k}}`, out);
      }
      return;
    case 'string':
      if (typeof v !== 'string') return void out.push(`${path}: ${describe(v)} is not a string (${shapeName})`);
      checkEnum(shape, v, path, out);
      return;
    case 'integer':
    case 'long':
      if (typeof v !== 'number' || !Number.isInteger(v)) out.push(`${path}: ${describe(v)} is not an integer (${shapeName})`);
      return;
    case 'double':
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) out.push(`${path}: ${describe(v)} is not a number (${shapeName})`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') out.push(`${path}: ${describe(v)} is not a boolean (${shapeName})`);
      return;
    case 'timestamp':
      // awsJson1_1 timestamps are epoch seconds.
      if (typeof v !== 'number' || !Number.isFinite(v)) out.push(`${path}: ${describe(v)} is not epoch seconds (${shapeName})`);
      return;
    case 'blob':
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) out.push(`${path}: ${describe(v)} is not base64 (${shapeName})`);
      return;
  }
}

/** fast-xml-parser's view of an element: text, '' for an empty element, an object of children; repeats are arrays. */
function checkXml(model: ServiceModel, shapeName: string, v: unknown, path: string, out: Problems): void {
  const shape = model.shape(shapeName);
  if (Array.isArray(v)) return void out.push(`${path}: element repeated ${v.length} times`);
  const textOf = (): string | undefined => {
    if (typeof v === 'string') return v;
    out.push(`${path}: an element with children where ${shapeName} (${shape.type}) is text`);
    return undefined;
  };
  switch (shape.type) {
    case 'structure': {
      if (v === '') return checkRequired(shape, {}, shapeName, path, out);
      if (!isObject(v)) return void out.push(`${path}: text ${describe(v)} where ${shapeName} is a structure`);
      const byWire = new Map(Object.entries(shape.members ?? {}).map(([name, ref]) => [ref.locationName ?? name, ref] as const));
      for (const [k, x] of Object.entries(v)) {
        const ref = byWire.get(k);
        if (!ref) {
          out.push(`${path}.${k}: no such member of ${shapeName}`);
          continue;
        }
        const target = model.shape(ref.shape);
        if (target.type === 'list' && (target.flattened || ref.flattened)) {
          for (const [i, item] of (Array.isArray(x) ? x : [x]).entries()) checkXml(model, target.member!.shape, item, `${path}.${k}[${i}]`, out);
        } else checkXml(model, ref.shape, x, `${path}.${k}`, out);
      }
      const present = Object.fromEntries(Object.entries(shape.members ?? {}).map(([name, ref]) => [name, v[ref.locationName ?? name]]));
      return checkRequired(shape, present, shapeName, path, out);
    }
    case 'list': {
      if (v === '') return;
      if (!isObject(v)) return void out.push(`${path}: text ${describe(v)} where ${shapeName} is a list`);
      const itemName = shape.member!.locationName ?? 'member';
      for (const [k, x] of Object.entries(v)) {
        if (k !== itemName) {
          out.push(`${path}.${k}: list items of ${shapeName} are <${itemName}>`);
          continue;
        }
        for (const [i, item] of (Array.isArray(x) ? x : [x]).entries()) checkXml(model, shape.member!.shape, item, `${path}[${i}]`, out);
      }
      return;
    }
    case 'map': {
      if (v === '') return;
      if (!isObject(v)) return void out.push(`${path}: text where ${shapeName} is a map`);
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      for (const [i, entry] of (Array.isArray(v.entry) ? v.entry : [v.entry]).entries()) {
        if (!isObject(entry)) {
          out.push(`${path}.entry[${i}]: not an <entry> with <${keyName}> and <${valueName}>`);
          continue;
        }
        checkXml(model, shape.key!.shape, entry[keyName], `${path}.entry[${i}].${keyName}`, out);
        checkXml(model, shape.value!.shape, entry[valueName], `${path}.entry[${i}].${valueName}`, out);
      }
      return;
    }
    case 'string': {
      const t = textOf();
      if (t !== undefined) checkEnum(shape, t, path, out);
      return;
    }
    case 'integer':
    case 'long': {
      const t = textOf();
      if (t !== undefined && !/^-?\d+$/.test(t)) out.push(`${path}: ${describe(t)} is not an integer (${shapeName})`);
      return;
    }
    case 'double':
    case 'float': {
      const t = textOf();
      if (t !== undefined && (t.trim() === '' || !Number.isFinite(Number(t)))) out.push(`${path}: ${describe(t)} is not a number (${shapeName})`);
      return;
    }
    case 'boolean': {
      const t = textOf();
      if (t !== undefined && t !== 'true' && t !== 'false') out.push(`${path}: ${describe(t)} is not true/false (${shapeName})`);
      return;
    }
    case 'timestamp': {
      const t = textOf();
      if (t !== undefined && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t))
        out.push(`${path}: ${describe(t)} is not ISO 8601 (${shapeName})`);
      return;
    }
    case 'blob': {
      const t = textOf();
      if (t !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) out.push(`${path}: ${describe(t)} is not base64 (${shapeName})`);
      return;
    }
  }
}

function checkRequired(shape: Shape, present: Record<string, unknown>, shapeName: string, path: string, out: Problems): void {
  for (const r of shape.required ?? []) if (present[r] === undefined) out.push(`${path}.${r}: required member of ${shapeName} missing`);
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: true });

/** The problems of a successful response body of `op`; `protocol` is the model's (json, query or ec2). */
export function checkResponseBody(model: ServiceModel, op: OperationModel, body: string): string[] {
  const out: Problems = [];
  const where = `${model.service} ${op.name}`;
  if (model.metadata.protocol === 'json') {
    let parsed: unknown;
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return [`${where}: body is not JSON: ${describe(body)}`];
    }
    if (!op.output) return isObject(parsed) && Object.keys(parsed).length === 0 ? [] : [`${where}: the model has no output, the body is ${describe(body)}`];
    checkJson(model, op.output.shape, parsed, where, out);
    return out;
  }
  let doc: unknown;
  try {
    doc = xml.parse(body, true);
  } catch (err) {
    return [`${where}: body is not XML: ${(err as Error).message}`];
  }
  const root = isObject(doc) ? doc[`${op.name}Response`] : undefined;
  if (root === undefined) return [`${where}: no <${op.name}Response> root`];
  const top: Record<string, unknown> = isObject(root) ? { ...root } : {};
  if (model.metadata.protocol === 'query') {
    const meta = top.ResponseMetadata;
    if (!isObject(meta) || typeof meta.RequestId !== 'string') out.push(`${where}: no ResponseMetadata.RequestId`);
    delete top.ResponseMetadata;
    const wrapper = op.output?.resultWrapper;
    if (wrapper === undefined) {
      if (Object.keys(top).length) out.push(`${where}: members ${Object.keys(top).join(', ')} where the model has no output`);
      return out;
    }
    const result = top[wrapper];
    delete top[wrapper];
    for (const k of Object.keys(top)) out.push(`${where}.${k}: not part of the response`);
    if (result === undefined) out.push(`${where}: no <${wrapper}>`);
    else checkXml(model, op.output!.shape, result, `${where}`, out);
    return out;
  }
  // EC2: <requestId> beside the output members, no result wrapper.
  if (typeof top.requestId !== 'string') out.push(`${where}: no requestId`);
  delete top.requestId;
  if (!op.output) {
    if (Object.keys(top).length) out.push(`${where}: members ${Object.keys(top).join(', ')} where the model has no output`);
    return out;
  }
  checkXml(model, op.output.shape, Object.keys(top).length ? top : '', where, out);
  return out;
}

/** The problems of an error answer: the protocol's envelope, a code, and (JSON) only the exception's members. */
export function checkErrorBody(model: ServiceModel, op: OperationModel, status: number, body: string): string[] {
  const where = `${model.service} ${op.name} error ${status}`;
  if (model.metadata.protocol === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${where}: body is not JSON: ${describe(body)}`];
    }
    if (!isObject(parsed) || typeof parsed.__type !== 'string' || parsed.__type === '') return [`${where}: no __type in ${describe(body)}`];
    const out: Problems = [];
    const code = parsed.__type.replace(/^.*#/, '');
    const shape = model.hasShape(code) ? model.shape(code) : undefined;
    const { __type: _t, ...rest } = parsed;
    if (shape?.exception) checkJson(model, code, rest, `${where} ${code}`, out);
    else for (const k of Object.keys(rest)) if (k !== 'message') out.push(`${where} ${code}.${k}: not a member of an error`);
    if (rest.message !== undefined && typeof rest.message !== 'string') out.push(`${where} ${code}.message: not a string`);
    return out;
  }
  let doc: unknown;
  try {
    doc = xml.parse(body, true);
  } catch (err) {
    return [`${where}: body is not XML: ${(err as Error).message}`];
  }
  if (!isObject(doc)) return [`${where}: not an XML document`];
  if (model.metadata.protocol === 'query') {
    const e = isObject(doc.ErrorResponse) ? doc.ErrorResponse.Error : undefined;
    if (!isObject(e) || typeof e.Code !== 'string' || e.Code === '') return [`${where}: no ErrorResponse.Error.Code`];
    if (e.Type !== 'Sender' && e.Type !== 'Receiver') return [`${where}: Error.Type ${describe(e.Type)} is not Sender/Receiver`];
    return [];
  }
  const errs = isObject(doc.Response) ? doc.Response.Errors : undefined;
  const e = isObject(errs) ? errs.Error : undefined;
  if (!isObject(e) || typeof e.Code !== 'string' || e.Code === '') return [`${where}: no Response.Errors.Error.Code`];
  return [];
}
