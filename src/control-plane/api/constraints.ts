/**
 * Model constraints on decoded input (required, enum, numeric range, length) as pure checks that
 * collect violations, and the one place their wire messages are worded. Decoders walk the input
 * once and call these; they never throw, so one request reports every violation like AWS does.
 */
import type { Shape } from './model.js';

/** Where a value sits in the input: a linked list built only as deep as the decoder walks. */
export type Path =
  | undefined
  | { readonly up: Path; readonly member: string; readonly wire: string }
  | { readonly up: Path; readonly index: number }
  | { readonly up: Path; readonly key: string };

export type ViolationKind = 'required' | 'enum' | 'range' | 'length' | 'type';

export interface Violation {
  readonly kind: ViolationKind;
  readonly path: Path;
  /** The offending value as it arrived (undefined for a missing member). */
  readonly value: unknown;
  /** Coral's words after "failed to satisfy constraint: ". */
  readonly constraint: string;
}

export function memberPath(up: Path, member: string, wire: string = member): Path {
  return { up, member, wire };
}
export function indexPath(up: Path, index: number): Path {
  return { up, index };
}
export function keyPath(up: Path, key: string): Path {
  return { up, key };
}

/**
 * Coral's path words: members in lowerCamel, a list item as `N.member` (1-based), e.g.
 * `targets.1.member.port`.
 */
export function coralPath(path: Path): string {
  const parts: string[] = [];
  for (let p = path; p; p = p.up) {
    if ('member' in p) parts.push(p.member.charAt(0).toLowerCase() + p.member.slice(1));
    else if ('index' in p) parts.push(`${p.index + 1}.member`);
    else parts.push(p.key);
  }
  return parts.reverse().join('.');
}

/** The name a client sent on the wire, e.g. EC2's `Filter.1.Name`. */
export function wirePath(path: Path): string {
  const parts: string[] = [];
  for (let p = path; p; p = p.up) {
    if ('member' in p) parts.push(p.wire);
    else if ('index' in p) parts.push(String(p.index + 1));
    else parts.push(p.key);
  }
  return parts.reverse().join('.');
}

export function missing(path: Path): Violation {
  return { kind: 'required', path, value: undefined, constraint: 'Member must not be null' };
}

export function wrongType(path: Path, value: unknown, expected: string): Violation {
  return { kind: 'type', path, value, constraint: `Member must be ${expected}` };
}

/** Enum, range and length checks of one decoded value against its shape. */
export function checkValue(shape: Shape, value: unknown, path: Path, out: Violation[]): void {
  const { min, max } = shape;
  switch (shape.type) {
    case 'string': {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s)) {
        out.push({ kind: 'enum', path, value, constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]` });
      }
      lengthChecks(s.length, min, max, path, value, out);
      return;
    }
    case 'list':
      lengthChecks((value as unknown[]).length, min, max, path, value, out);
      return;
    case 'map':
      lengthChecks(Object.keys(value as object).length, min, max, path, value, out);
      return;
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const n = value as number;
      if (min !== undefined && n < min) {
        out.push({ kind: 'range', path, value, constraint: `Member must have value greater than or equal to ${min}` });
      }
      if (max !== undefined && n > max) {
        out.push({ kind: 'range', path, value, constraint: `Member must have value less than or equal to ${max}` });
      }
      return;
    }
    default:
      return;
  }
}

function lengthChecks(len: number, min: number | undefined, max: number | undefined, path: Path, value: unknown, out: Violation[]): void {
  if (min !== undefined && len < min) {
    out.push({ kind: 'length', path, value, constraint: `Member must have length greater than or equal to ${min}` });
  }
  if (max !== undefined && len > max) {
    out.push({ kind: 'length', path, value, constraint: `Member must have length less than or equal to ${max}` });
  }
}

function shown(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `'[${value.join(', ')}]'`;
  if (typeof value === 'object' && value !== null) return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}

/**
 * Coral's wording, shared by ECS (JSON) and ELBv2 (Query):
 * "1 validation error detected: Value 'x' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack]".
 * Several violations are joined with "; " after "N validation errors detected: ".
 */
export function coralMessage(violations: readonly Violation[]): string {
  const n = violations.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  return head + violations.map((v) => `Value ${shown(v.value)} at '${coralPath(v.path)}' failed to satisfy constraint: ${v.constraint}`).join('; ');
}
