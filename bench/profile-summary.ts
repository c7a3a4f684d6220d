/**
 * Where a `--cpu-prof` profile's time goes: self time per function (and per file), as shares of
 * the busy time (idle and the profiler's own ticks left out).
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--skip-ms 8000]
 *
 * `--skip-ms` leaves out the first milliseconds (a `berth up` start-up, before the load began).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

const idle = new Set(['(idle)', '(program)', '(root)']);

function shortUrl(url: string): string {
  const i = url.indexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const j = url.search(/\/(dist|src)\//);
  return j >= 0 ? url.slice(j + 1) : url.replace(/^node:/, '');
}

/** Self time per function and per file (pure). */
export function summarize(p: Profile, skipMs = 0): { busyMs: number; functions: Share[]; files: Share[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (id !== undefined && at >= skipMs * 1000) selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f || idle.has(f.functionName)) continue;
    busy += us;
    const where = f.url ? shortUrl(f.url) : '(native)';
    const name = `${f.functionName || '(anonymous)'} ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    file.set(where, (file.get(where) ?? 0) + us);
  }
  const shares = (m: Map<string, number>): Share[] => [...m].map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })).sort((a, b) => b.ms - a.ms);
  return { busyMs: busy / 1000, functions: shares(fn), files: shares(file) };
}

// A reader that stops early (head) is not an error.
process.stdout.on('error', () => process.exit(0));
const file = process.argv[2];
if (file && import.meta.url === `file://${process.argv[1]}`) {
  const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 30;
  const skip = process.argv.indexOf('--skip-ms');
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, skip > 0 ? Number(process.argv[skip + 1]) : 0);
  console.log(`busy ${s.busyMs.toFixed(0)} ms`);
  for (const f of s.functions.slice(0, top)) console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
  console.log('\nby file:');
  for (const f of s.files.slice(0, top)) console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
}
