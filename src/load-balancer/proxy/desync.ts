/**
 * HTTP desync mitigation, pure: requests are classified the way aws/http-desync-guardian (the
 * library behind ALB's `routing.http.desync_mitigation_mode`) classifies a parsed request, rule
 * for rule, and each class maps to ALB's action for the mode. Strings are byte strings (latin1, one
 * char per byte), as Node hands over raw header names and values.
 *
 * | class      | monitor | defensive (default)           | strictest |
 * | compliant  | allow   | allow                         | allow     |
 * | acceptable | allow   | allow                         | block     |
 * | ambiguous  | allow   | allow, then close connections | block     |
 * | severe     | allow   | block                         | block     |
 *
 * Node's strict parser refuses many requests before they get here (invalid header names, CTLs,
 * CL with TE, bad chunk sizes, obs-fold...); the listener answers those with ALB's 400 in every
 * mode. The vectors, and which of them the parser already refuses, are tested in
 * `desync.test.ts` and `test/hostile/lb-desync-vectors.test.ts`.
 */
import type { DesyncMode } from '../routing-table.js';

export type DesyncClass = 'compliant' | 'acceptable' | 'ambiguous' | 'severe';
export type DesyncVerdict = 'allow' | 'allow-and-close' | 'block';

/** The library's ClassificationReason names (those a parsed request can get). */
export type DesyncReason =
  | 'Compliant'
  | 'EmptyHeader'
  | 'SuspiciousHeader'
  | 'NonCompliantHeader'
  | 'BadHeader'
  | 'AmbiguousUri'
  | 'BadUri'
  | 'SpaceInUri'
  | 'BadMethod'
  | 'NonCompliantVersion'
  | 'BadVersion'
  | 'GetHeadZeroContentLength'
  | 'UndefinedContentLengthSemantics'
  | 'MultipleContentLength'
  | 'DuplicateContentLength'
  | 'BadContentLength'
  | 'UndefinedTransferEncodingSemantics'
  | 'MultipleTransferEncodingChunked'
  | 'BadTransferEncoding'
  | 'BothTeClPresent';

export interface Classification {
  readonly class: DesyncClass;
  readonly reason: DesyncReason;
}

const rank: Record<DesyncClass, number> = { compliant: 0, acceptable: 1, ambiguous: 2, severe: 3 };

/** Per-header tier, as the library keeps it: Compliant < NonCompliant < Bad. */
const enum HeaderTier {
  Compliant = 0,
  NonCompliant = 1,
  Bad = 2,
}

export type Similarity = 'identical' | 'same-letters' | 'distant';

const TE = 'transfer-encoding';
const CL = 'content-length';
const validCodings = ['chunked', 'compress', 'deflate', 'gzip', 'identity'];
const maxU64 = (1n << 64n) - 1n;

const isTchar = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || "-_.!#$%&'*+^`|~".includes(String.fromCharCode(b));
const isAlnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
/** CR, LF and NUL end a line or a string somewhere along the chain: always severe. */
const isBadChar = (b: number): boolean => b === 0x0d || b === 0x0a || b === 0x00;
const isWs = (b: number): boolean => b === 0x20 || b === 0x09;
const isValueChar = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b >= 0x80 || b === 0x09;
const isUriChar = (b: number): boolean => b > 0x20 && b !== 0x7f;

function trimWs(s: string): string {
  let a = 0;
  let z = s.length;
  while (a < z && isWs(s.charCodeAt(a))) a++;
  while (a < z && isWs(s.charCodeAt(z - 1))) z--;
  return s.slice(a, z);
}

function nextAlnum(h: string, i: number): number {
  while (i < h.length && !isAlnum(h.charCodeAt(i))) i++;
  return i;
}

function nextHeaderSymbol(h: string, i: number): number {
  while (i < h.length && h.charCodeAt(i) <= 0x20) i++;
  return i;
}

/** Same letter, counting the UTF-8 letters that upper-case to ASCII: ſ (c5 bf) as s, ı (c4 b1) as i. */
function sameChar(c: string, h: string, i: number): [boolean, number] {
  if (c === h[i]!.toLowerCase()) return [true, i + 1];
  if (h.length > i + 1) {
    const pair = h.charCodeAt(i) * 256 + h.charCodeAt(i + 1);
    if ((c === 's' && pair === 0xc5bf) || (c === 'i' && pair === 0xc4b1)) return [true, i + 2];
  }
  return [false, i + 1];
}

/** How close a header name is to Transfer-Encoding or Content-Length ("Transfer_Encoding", " Content-Length"...). */
export function similarity(important: string, h: string): Similarity {
  if (h.length < important.length) return 'distant';
  let i = nextAlnum(h, 0);
  let identical = i === 0 && important.length === h.length;
  for (const c of important) {
    if (i === h.length) return 'distant';
    const delimiter = c === '-';
    const [same, next] = sameChar(c, h, i);
    if (!same) {
      if (!delimiter) break;
      identical = false;
    }
    i = delimiter ? nextAlnum(h, next) : nextHeaderSymbol(h, next);
  }
  const exhausted = i === h.length;
  if (exhausted && identical) return 'identical';
  if (exhausted || nextAlnum(h, i) === h.length) return 'same-letters';
  return 'distant';
}

function tierOf(s: string, ok: (b: number) => boolean): HeaderTier {
  let tier = HeaderTier.Compliant;
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (ok(b)) continue;
    if (isBadChar(b)) return HeaderTier.Bad;
    tier = HeaderTier.NonCompliant;
  }
  return tier;
}

/** The library's parse_num: trimmed, digits only (empty is 0), no 64-bit overflow. */
function parseLength(v: string): bigint | undefined {
  const t = trimWs(v);
  if (!/^\d*$/.test(t)) return undefined;
  const n = t === '' ? 0n : BigInt(t);
  return n > maxU64 ? undefined : n;
}

function validCoding(item: string): string | undefined {
  const t = trimWs(item);
  const semi = t.indexOf(';');
  const coding = trimWs(semi < 0 ? t : t.slice(0, semi)).toLowerCase();
  return validCodings.includes(coding) ? coding : undefined;
}

/**
 * Classifies one request. `version` is the protocol token as sent ("HTTP/1.1"; "" for HTTP/0.9),
 * `raw` the headers as [name, value, name, value...], all byte strings.
 */
export function classifyRequest(method: string, version: string, uri: string, raw: readonly string[]): Classification {
  let cls = 'compliant' as DesyncClass;
  let reason = 'Compliant' as DesyncReason;
  // The first reason at the worst class wins, as in the library.
  const flag = (c: DesyncClass, r: DesyncReason): void => {
    if (rank[c] > rank[cls]) {
      cls = c;
      reason = r;
    }
  };
  // HTTP/2 and later are not this classifier's business (byte-wise comparison, as the library's).
  if (version >= 'HTTP/2') return { class: 'compliant', reason: 'Compliant' };
  const v = trimWs(version) === '' ? 'HTTP/0.9' : version;

  const te: number[] = [];
  const cl: number[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const teSim = similarity(TE, name);
    const clSim = teSim === 'distant' ? similarity(CL, name) : 'distant';
    const essential = teSim === 'identical' || clSim === 'identical';
    const tier = Math.max(tierOf(name, isTchar), tierOf(value, isValueChar)) as HeaderTier;
    if (cls !== 'severe') {
      if (tier === HeaderTier.Bad) flag('severe', 'BadHeader');
      else if (tier === HeaderTier.NonCompliant) flag('acceptable', 'NonCompliantHeader');
    }
    const trimmed = trimWs(name);
    if (trimmed === '' || trimmed[0] === ':') flag('ambiguous', 'EmptyHeader');
    else if (!essential && tier !== HeaderTier.Bad) {
      if (teSim === 'same-letters') {
        te.push(i);
        flag('ambiguous', 'SuspiciousHeader');
      } else if (clSim === 'same-letters') {
        cl.push(i);
        flag('ambiguous', 'SuspiciousHeader');
      }
    } else if (teSim === 'identical') te.push(i);
    else if (clSim === 'identical') cl.push(i);
  }

  framing: if (te.length > 0 || cl.length > 0) {
    if (v <= 'HTTP/1.0' && te.length > 0) {
      flag('ambiguous', 'UndefinedTransferEncodingSemantics');
      break framing;
    }
    if (v < 'HTTP/1.0' && cl.length > 0) {
      flag('ambiguous', 'UndefinedContentLengthSemantics');
      break framing;
    }
    let chunkedSeen = false;
    for (const i of te) {
      for (const item of raw[i + 1]!.split(',')) {
        const coding = validCoding(item);
        if (coding === undefined) {
          flag('severe', 'BadTransferEncoding');
          continue;
        }
        const chunked = coding === 'chunked';
        if (chunkedSeen && chunked) flag('severe', 'MultipleTransferEncodingChunked');
        chunkedSeen = chunked;
      }
    }
    let length: bigint | undefined;
    for (const i of cl) {
      const n = parseLength(raw[i + 1]!);
      if (n === undefined) flag('severe', 'BadContentLength');
      else if (length === undefined) length = n;
      else if (length !== n) flag('severe', 'MultipleContentLength');
      else flag('ambiguous', 'DuplicateContentLength');
    }
    if (method === 'GET' || method === 'HEAD') {
      if (te.length > 0) flag('ambiguous', 'UndefinedTransferEncodingSemantics');
      if (length === 0n) flag('acceptable', 'GetHeadZeroContentLength');
      else if (length !== undefined) flag('ambiguous', 'UndefinedContentLengthSemantics');
    }
    if (length !== undefined && te.length > 0) flag('ambiguous', 'BothTeClPresent');
  }

  for (let i = 0; i < method.length; i++) {
    if (!isTchar(method.charCodeAt(i))) {
      flag('severe', 'BadMethod');
      break;
    }
  }

  const tv = trimWs(v);
  if (tv === 'HTTP/0.9') flag('acceptable', 'NonCompliantVersion');
  else if (!(tv.length === 8 && tv.startsWith('HTTP/1.') && isDigit(tv.charCodeAt(7)))) flag('severe', 'BadVersion');
  else if (tv.length !== v.length || tv.charCodeAt(7) > 0x31) flag('acceptable', 'NonCompliantVersion');

  for (let i = 0; i < uri.length; i++) {
    const b = uri.charCodeAt(i);
    if (isUriChar(b)) continue;
    if (isBadChar(b)) {
      flag('severe', 'BadUri');
      break;
    }
    if (b === 0x20) flag('acceptable', 'SpaceInUri');
    else flag('ambiguous', 'AmbiguousUri');
  }
  return { class: cls, reason };
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

export function desyncVerdict(mode: DesyncMode, c: DesyncClass): DesyncVerdict {
  if (mode === 'monitor' || c === 'compliant') return 'allow';
  if (mode === 'strictest') return 'block';
  if (c === 'severe') return 'block';
  return c === 'ambiguous' ? 'allow-and-close' : 'allow';
}
