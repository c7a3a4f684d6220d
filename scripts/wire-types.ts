/**
 * Generates src/control-plane/api/wire-types/<service>.ts from the vendored AWS models: the input and
 * output type of every operation of every service in service-table.ts, as the protocol layer hands
 * them to handlers and takes them back (see src/control-plane/api/operation.ts).
 *
 *   node --import tsx scripts/wire-types.ts           write the files
 *   node --import tsx scripts/wire-types.ts --check   exit 1 when a file differs from what the models give (npm run lint)
 *
 * Input forms are what the decoders guarantee after validation: required members present, enums as
 * their literal unions, timestamps as epoch ms, blobs as Buffers. Output forms (suffix `Out`) are what
 * the encoders accept: every member optional, timestamps as epoch ms or Date, lists readonly, blobs as
 * bytes or base64, enums as strings (records keep them as strings; the wire takes what it is given).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_TABLE, type ServiceName } from '../src/control-plane/api/service-table.js';

interface Ref {
  shape: string;
}
interface RawShape {
  type: string;
  members?: Record<string, Ref>;
  required?: string[];
  member?: Ref;
  key?: Ref;
  value?: Ref;
  enum?: string[];
  document?: boolean;
  exception?: boolean;
}
export interface RawModel {
  operations: Record<string, { input?: Ref; output?: Ref }>;
  shapes: Record<string, RawShape>;
}

type Side = 'in' | 'out';

/** Names the generated code uses from the global scope; a structure of the same name would shadow them. */
const GLOBALS = new Set(['Array', 'ReadonlyArray', 'Record', 'Readonly', 'ReadonlyMap', 'Uint8Array', 'Buffer', 'Date', 'Promise', 'Operations']);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function typeName(shape: string, side: Side): string {
  return side === 'in' ? shape : `${shape}Out`;
}

export function generate(service: ServiceName, model: RawModel): string {
  const emitted = new Map<string, string>();
  const queue: [string, Side][] = [];
  const need = (shape: string, side: Side): void => {
    if (!emitted.has(typeName(shape, side))) {
      emitted.set(typeName(shape, side), '');
      queue.push([shape, side]);
    }
  };
  const shapeOf = (name: string): RawShape => {
    const s = model.shapes[name];
    if (!s) throw new Error(`${service}: no shape ${name}`);
    return s;
  };

  const expr = (ref: Ref, side: Side): string => {
    const s = shapeOf(ref.shape);
    switch (s.type) {
      case 'structure':
        if (s.document) return 'unknown';
        need(ref.shape, side);
        return typeName(ref.shape, side);
      case 'list': {
        const item = expr(s.member!, side);
        if (side === 'out') return `ReadonlyArray<${item}>`;
        return /^[A-Za-z0-9_]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
      }
      case 'map': {
        const value = expr(s.value!, side);
        return side === 'in' ? `Record<string, ${value}>` : `Readonly<Record<string, ${value}>> | ReadonlyMap<string, ${value}>`;
      }
      case 'string':
        if (s.enum && side === 'in') {
          need(ref.shape, side);
          return ref.shape;
        }
        return 'string';
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'timestamp':
        return side === 'in' ? 'number' : 'number | Date';
      case 'blob':
        return side === 'in' ? 'Buffer' : 'Uint8Array | string';
      default:
        throw new Error(`${service}: shape ${ref.shape} has type ${s.type}`);
    }
  };

  const declare = (shape: string, side: Side): string => {
    const s = shapeOf(shape);
    const name = typeName(shape, side);
    if (GLOBALS.has(name)) throw new Error(`${service}: shape ${shape} would shadow the global ${name}`);
    if (s.type === 'string') return `export type ${name} = ${s.enum!.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(' | ')};`;
    const required = new Set(side === 'in' ? (s.required ?? []) : []);
    const lines = Object.entries(s.members ?? {}).map(([member, ref]) => {
      const key = IDENT.test(member) ? member : `'${member}'`;
      return `  ${key}${required.has(member) ? '' : '?'}: ${expr(ref, side)};`;
    });
    // Type aliases, not interfaces: an object type alias is assignable to the domain's index-signature types.
    return lines.length === 0 ? `export type ${name} = Record<string, never>;` : `export type ${name} = {\n${lines.join('\n')}\n};`;
  };

  const ops = Object.keys(model.operations).sort();
  const opLines = ops.map((op) => {
    const o = model.operations[op]!;
    const input = o.input ? expr(o.input, 'in') : 'Record<string, never>';
    const output = o.output ? expr(o.output, 'out') : 'Record<string, never>';
    return `  ${op}: { input: ${input}; output: ${output} };`;
  });
  while (queue.length > 0) {
    const [shape, side] = queue.shift()!;
    emitted.set(typeName(shape, side), declare(shape, side));
  }
  const file = SERVICE_TABLE[service].file;
  return [
    `// Generated by scripts/wire-types.ts from vendor/aws-models/${file}: do not edit (npm run wire-types).`,
    '',
    '/** Every operation of the model: what its handler receives (`input`) and may return (`output`). */',
    'export interface Operations {',
    ...opLines,
    '}',
    '',
    ...[...emitted.keys()].sort().map((k) => `${emitted.get(k)}\n`),
  ].join('\n');
}

const OUT_DIR = join('src', 'control-plane', 'api', 'wire-types');

/** The file text for every service of the table, by its path relative to `root` (the package root). */
export function generateAll(root = '.'): Map<string, string> {
  const out = new Map<string, string>();
  for (const service of Object.keys(SERVICE_TABLE) as ServiceName[]) {
    const model = JSON.parse(readFileSync(join(root, 'vendor', 'aws-models', SERVICE_TABLE[service].file), 'utf8'), (k, v) =>
      k === 'documentation' ? undefined : v,
    ) as RawModel;
    out.set(join(OUT_DIR, `${service}.ts`), generate(service, model));
  }
  return out;
}

function main(): void {
  const check = process.argv.includes('--check');
  mkdirSync(OUT_DIR, { recursive: true });
  const stale: string[] = [];
  for (const [path, text] of generateAll()) {
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(path);
    } else writeFileSync(path, text);
  }
  if (stale.length > 0) {
    console.error(`stale wire types (run npm run wire-types): ${stale.join(', ')}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
