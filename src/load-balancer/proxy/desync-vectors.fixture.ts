/**
 * The request vectors of aws/http-desync-guardian (vendored as data in vendor/http-desync-guardian),
 * loaded as byte strings (latin1) the way the library's own test reads them: YAML first, then its
 * `\xNN`/`\t`/`\r`/`\n` escapes, then UTF-8 encoding of the result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { DesyncClass, DesyncReason } from './desync.js';

export interface DesyncVector {
  readonly file: string;
  readonly name: string;
  readonly method: string;
  readonly uri: string;
  /** As sent: "HTTP/1.1", "" for HTTP/0.9. */
  readonly version: string;
  /** [name, value, name, value...] */
  readonly headers: string[];
  readonly class: DesyncClass;
  readonly reason: DesyncReason;
}

const dir = fileURLToPath(new URL('../../../vendor/http-desync-guardian/tests/', import.meta.url));

/** The library's unescape_value, then its String → bytes. */
function bytes(v: unknown): string {
  const s = String(v).replace(/\\(x[0-9a-fA-F]{2}|[\s\S])/g, (_m, g: string) => {
    if (g[0] === 'x') return String.fromCharCode(parseInt(g.slice(1), 16));
    return ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[g] ?? g;
  });
  return Buffer.from(s, 'utf8').toString('latin1');
}

interface RawVector {
  name: string;
  uri: unknown;
  method: unknown;
  version: unknown;
  headers?: Array<{ name: unknown; value: unknown }> | null;
  expected: { tier: string; reason: string };
}

/** Every vector of every file but single-case.yaml (the library's debugging copy of one vector). */
export function desyncVectors(): DesyncVector[] {
  const out: DesyncVector[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'single-case.yaml')
    .sort()) {
    for (const v of parse(readFileSync(dir + file, 'utf8')) as RawVector[]) {
      out.push({
        file,
        name: v.name,
        method: bytes(v.method),
        uri: bytes(v.uri),
        version: bytes(v.version),
        headers: (v.headers ?? []).flatMap((h) => [bytes(h.name), bytes(h.value)]),
        class: v.expected.tier.toLowerCase() as DesyncClass,
        reason: v.expected.reason as DesyncReason,
      });
    }
  }
  return out;
}
