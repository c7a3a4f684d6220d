/**
 * Micro-benchmark of adaptH2Request, the per-request rewrite of an HTTP/2 request head into the
 * HTTP/1.1 form (src/load-balancer/proxy/h2-bridge.ts), against the earlier version that built a new
 * array and shadowed `rawHeaders` with an own property (kept below as the baseline). Each call gets a
 * fresh head shaped as Node's compatibility API holds one (a prototype getter over an internal
 * array), with a browser's usual headers; the cost of making the head is measured alone and taken off.
 * Rounds are interleaved and medians printed, with the load average.
 *
 *   node --import tsx bench/h2-adapt.bench.ts      (BENCH_CALLS per round, BENCH_ROUNDS)
 */
import { loadavg } from 'node:os';
import type http2 from 'node:http2';
import { adaptH2Request } from '../src/load-balancer/proxy/h2-bridge.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const template = [
  ':method',
  'GET',
  ':authority',
  'shop.example.com',
  ':scheme',
  'https',
  ':path',
  '/products/42?ref=home',
  'user-agent',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'accept',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding',
  'gzip, deflate, br, zstd',
  'accept-language',
  'en-GB,en;q=0.9',
  'cookie',
  'session=abc123; theme=dark',
  'sec-fetch-mode',
  'navigate',
];

const kRaw = Symbol('rawHeaders');

/** What Node's Http2ServerRequest looks like to the bridge. */
class Head {
  readonly [kRaw]: string[];
  readonly headers: Record<string, string> = {};
  readonly stream = { endAfterHeaders: true };
  constructor(raw: string[]) {
    this[kRaw] = raw;
  }
  get rawHeaders(): string[] {
    return this[kRaw];
  }
}

/** The earlier version (a new array per request, then an own `rawHeaders` property over the getter). */
function copyingAdapt(req: http2.Http2ServerRequest): void {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let authority: string | undefined;
  let hasHost = false;
  let hasLength = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.charCodeAt(0) === 58) {
      if (name === ':authority') authority = raw[i + 1];
      continue;
    }
    if (name === 'host') hasHost = true;
    else if (name === 'content-length') hasLength = true;
    out.push(name, raw[i + 1] ?? '');
  }
  if (!hasHost && authority !== undefined) {
    out.unshift('host', authority);
    req.headers.host = authority;
  }
  if (!hasLength && !req.stream.endAfterHeaders) {
    out.push('transfer-encoding', 'chunked');
    req.headers['transfer-encoding'] = 'chunked';
  }
  Object.defineProperty(req, 'rawHeaders', { value: out, configurable: true });
}

let sink = 0;

/** Nanoseconds per call of `adapt` on fresh heads (with `adapt` undefined: making the heads alone). */
function run(adapt: ((req: http2.Http2ServerRequest) => void) | undefined): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    const req = new Head(template.slice()) as unknown as http2.Http2ServerRequest;
    adapt?.(req);
    sink += req.rawHeaders.length;
  }
  return Number(process.hrtime.bigint() - started) / CALLS;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

// Same result from both, before timing either.
const a = new Head(template.slice()) as unknown as http2.Http2ServerRequest;
const b = new Head(template.slice()) as unknown as http2.Http2ServerRequest;
adaptH2Request(a);
copyingAdapt(b);
if (JSON.stringify(a.rawHeaders) !== JSON.stringify(b.rawHeaders)) throw new Error('the two versions disagree');

for (let i = 0; i < 2; i++) {
  run(undefined);
  run(adaptH2Request);
  run(copyingAdapt);
}
const base: number[] = [];
const inPlace: number[] = [];
const copying: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  base.push(run(undefined));
  inPlace.push(run(adaptH2Request));
  copying.push(run(copyingAdapt));
}
const b0 = median(base);
const now = median(inPlace) - b0;
const before = median(copying) - b0;
console.log(`adaptH2Request, ${template.length / 2} header fields, median of ${ROUNDS} rounds of ${CALLS} calls (load ${loadavg()[0]?.toFixed(1)}):`);
console.log(`  in place (now):     ${(now / 1000).toFixed(2)} µs per request`);
console.log(`  copying (earlier):  ${(before / 1000).toFixed(2)} µs per request   (${(before / now).toFixed(1)}x the cost)`);
console.log(`  (making each head:  ${(b0 / 1000).toFixed(2)} µs, taken off both)`);
if (sink < 0) console.log(sink);
