/**
 * The vendored AWS service models (botocore JSON), loaded once and indexed. Everything the protocols
 * know about names, types and constraints comes from here, so the wire stays exactly AWS's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_TABLE, type ServiceName } from './service-table.js';

export type { ServiceName };

export type ShapeType = 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'double' | 'float' | 'timestamp' | 'blob';

/** A reference to a shape from a member, list item, map key/value or operation. */
export interface ShapeRef {
  readonly shape: string;
  readonly locationName?: string;
  readonly queryName?: string;
  readonly flattened?: boolean;
  readonly resultWrapper?: string;
}

export interface Shape {
  readonly type: ShapeType;
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly required?: readonly string[];
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly flattened?: boolean;
  readonly locationName?: string;
  /** A free-form JSON document (ECS `HookDetails`): passed through untouched. */
  readonly document?: boolean;
  readonly exception?: boolean;
  readonly fault?: boolean;
  readonly error?: { readonly code: string; readonly httpStatusCode: number; readonly senderFault?: boolean };
}

export interface OperationModel {
  readonly name: string;
  readonly input?: ShapeRef;
  readonly output?: ShapeRef;
  readonly errors?: readonly ShapeRef[];
}

export interface ModelMetadata {
  readonly apiVersion: string;
  /** The protocol current SDKs speak; `protocols` lists every one the service answers (CloudWatch: CBOR, JSON 1.0, Query). */
  readonly protocol: 'json' | 'query' | 'ec2' | 'smithy-rpc-v2-cbor';
  readonly protocols?: readonly string[];
  /**
   * Set on services that moved from Query to JSON/CBOR (CloudWatch): their JSON and CBOR errors carry
   * the Query error code in `x-amzn-query-error`, and SDKs raise that code.
   */
  readonly awsQueryCompatible?: Readonly<Record<string, never>>;
  readonly targetPrefix?: string;
  readonly jsonVersion?: string;
  readonly xmlNamespace?: string;
  readonly signingName?: string;
  readonly endpointPrefix: string;
}

export class ServiceModel {
  readonly operations: ReadonlyMap<string, OperationModel>;
  private readonly shapes: ReadonlyMap<string, Shape>;

  constructor(
    readonly service: ServiceName,
    readonly metadata: ModelMetadata,
    operations: Record<string, OperationModel>,
    shapes: Record<string, Shape>,
  ) {
    this.operations = new Map(Object.entries(operations));
    this.shapes = new Map(Object.entries(shapes));
  }

  shape(name: string): Shape {
    const s = this.shapes.get(name);
    if (!s) throw new Error(`${this.service} model has no shape ${name}`);
    return s;
  }

  hasShape(name: string): boolean {
    return this.shapes.has(name);
  }

  /** Whether requests may come in this protocol (the model's `protocols`, or its one `protocol`). */
  speaks(protocol: string): boolean {
    return (this.metadata.protocols ?? [this.metadata.protocol]).includes(protocol);
  }

  /** The exception shape whose Query code is `code` (CloudWatch's `InvalidParameterValue` is `InvalidParameterValueException`). */
  errorShapeFor(code: string): string | undefined {
    if (this.shapes.get(code)?.exception) return code;
    // Built on first use: every error answer of a Query-compatible service asks, and a model has thousands of shapes.
    if (!this.byErrorCode) {
      this.byErrorCode = new Map();
      // The first shape of a code wins, as a scan in model order would find it.
      for (const [name, shape] of this.shapes)
        if (shape.exception && shape.error && !this.byErrorCode.has(shape.error.code)) this.byErrorCode.set(shape.error.code, name);
    }
    return this.byErrorCode.get(code);
  }

  private byErrorCode: Map<string, string> | undefined;

  /** How the exception shape of `code` names its message member: `message` mostly, `Message` in Application Auto Scaling. */
  errorMessageMember(code: string): string {
    const shape = this.errorShapeFor(code);
    const members = shape !== undefined ? this.shape(shape).members : undefined;
    return members && 'Message' in members && !('message' in members) ? 'Message' : 'message';
  }

  /** The error code a modeled exception shape goes by on the wire (ELBv2 renames them). */
  errorCode(shapeName: string): string {
    return this.shape(shapeName).error?.code ?? shapeName;
  }
}

/** The folder holding package.json, whether we run from src/ (tsx) or dist/src/ (tsc). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

const cache = new Map<ServiceName, ServiceModel>();

export function loadModel(service: ServiceName): ServiceModel {
  let model = cache.get(service);
  if (!model) {
    const path = join(packageRoot(), 'vendor', 'aws-models', SERVICE_TABLE[service].file);
    // Documentation strings are most of the bytes; drop them so the resident model stays small.
    const raw = JSON.parse(readFileSync(path, 'utf8'), (k, v) => (k === 'documentation' ? undefined : v));
    model = new ServiceModel(service, raw.metadata, raw.operations, raw.shapes);
    cache.set(service, model);
  }
  return model;
}
