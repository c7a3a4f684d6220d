/**
 * HTTP desync mitigation (after aws/http-desync-guardian), pure. Node's strict parser already
 * refuses the worst requests (CL with TE, bad chunk sizes, invalid TE, obs-fold...) and the
 * listener turns those parser errors into ALB 400s; this classifier covers what gets through it.
 *
 * | class      | monitor | defensive (default)          | strictest |
 * | acceptable | allow   | allow                        | block     |
 * | ambiguous  | allow   | allow, then close connections | block     |
 * | severe     | allow   | block                        | block     |
 */
import type { DesyncMode } from '../routing-table.js';

export type DesyncClass = 'compliant' | 'acceptable' | 'ambiguous' | 'severe';
export type DesyncVerdict = 'allow' | 'allow-and-close' | 'block';

export interface Classification {
  readonly class: DesyncClass;
  readonly reason?: string;
}

const tokenName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const rank: Record<DesyncClass, number> = { compliant: 0, acceptable: 1, ambiguous: 2, severe: 3 };

export function classifyRequest(method: string, httpVersion: string, url: string, raw: readonly string[]): Classification {
  let worst: Classification = { class: 'compliant' };
  const flag = (c: DesyncClass, reason: string): void => {
    if (rank[c] > rank[worst.class]) worst = { class: c, reason };
  };
  const lengths: string[] = [];
  const encodings: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name === '') flag('ambiguous', 'EmptyHeader');
    else if (!tokenName.test(name)) flag('severe', 'BadHeader');
    const lower = name.toLowerCase();
    if (lower === 'content-length') lengths.push(value.trim());
    else if (lower === 'transfer-encoding') encodings.push(value.trim().toLowerCase());
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) flag('severe', 'BadHeader');
  }
  if (lengths.some((l) => !/^\d+$/.test(l))) flag('severe', 'BadContentLength');
  if (new Set(lengths).size > 1) flag('severe', 'MultipleContentLength');
  else if (lengths.length > 1) flag('ambiguous', 'DuplicateContentLength');
  if (encodings.length > 1) flag('severe', 'MultipleTransferEncodingChunked');
  if (encodings.length === 1 && encodings[0] !== 'chunked') flag('severe', 'BadTransferEncoding');
  if (encodings.length > 0 && lengths.length > 0) flag('ambiguous', 'BothTeClPresent');
  if (encodings.length > 0 && httpVersion === '1.0') flag('ambiguous', 'UndefinedTransferEncodingSemantics');
  if ((method === 'GET' || method === 'HEAD') && lengths.length > 0) {
    if (lengths.every((l) => l === '0')) flag('acceptable', 'GetHeadZeroContentLength');
    else flag('ambiguous', 'UndefinedContentLengthSemantics');
  }
  if (httpVersion !== '1.1' && httpVersion !== '1.0') flag('acceptable', 'NonCompliantVersion');
  if (url.includes(' ')) flag('acceptable', 'SpaceInUri');
  return worst;
}

export function desyncVerdict(mode: DesyncMode, c: DesyncClass): DesyncVerdict {
  if (mode === 'monitor' || c === 'compliant') return 'allow';
  if (mode === 'strictest') return 'block';
  if (c === 'severe') return 'block';
  return c === 'ambiguous' ? 'allow-and-close' : 'allow';
}
