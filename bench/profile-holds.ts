/**
 * The longest stretches of a `--cpu-prof` profile with no idle sample (the event loop held), and
 * what ran in each: the functions with the most samples on their stack (inclusive), so a hold can
 * be told apart as GC, a commit, a decode or a decision.
 *
 *   node --import tsx bench/profile-holds.ts FILE.cpuprofile [--top 8] [--min-ms 40] [--gaps GAPS.json]
 *
 * Sliced work yields with setImmediate, which leaves no idle sample, so without `--gaps` a stretch
 * may span many short turns. `--gaps` (controller-only.bench.ts's BENCH_GAPS_FILE: the probe timer's
 * holds with their end on the profile's clock) summarises exactly the holds the probe saw.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: profile-holds.ts FILE.cpuprofile [--top N] [--min-ms MS]');
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const top = opt('--top', 8);
const minMs = opt('--min-ms', 40);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const idle = new Set(['(idle)', '(program)']);

interface Hold {
  start: number;
  ms: number;
  from: number;
  to: number;
}
const holds: Hold[] = [];
let t = 0;
let open: Hold | undefined;
p.samples.forEach((id, i) => {
  t += p.timeDeltas[i]! / 1000;
  const n = byId.get(id);
  const isIdle = !n || idle.has(n.callFrame.functionName);
  if (isIdle) {
    if (open) holds.push(open);
    open = undefined;
  } else if (open) {
    open.ms = t - open.start;
    open.to = i;
  } else open = { start: t, ms: 0, from: i, to: i };
});
if (open) holds.push(open);
holds.sort((a, b) => b.ms - a.ms);
const gapsFile = args.indexOf('--gaps') >= 0 ? args[args.indexOf('--gaps') + 1] : undefined;
if (gapsFile) {
  // Sample i ends at startTime + sum of deltas up to i (µs).
  const at: number[] = [];
  let clock = p.startTime;
  for (const d of p.timeDeltas) at.push((clock += d));
  holds.length = 0;
  for (const [ms, , endUs] of JSON.parse(readFileSync(gapsFile, 'utf8')) as [number, number, number][]) {
    const from = at.findIndex((x) => x >= endUs - ms * 1000);
    let to = at.findIndex((x) => x > endUs);
    if (to < 0) to = at.length;
    if (from >= 0 && to > from) holds.push({ start: (at[from]! - p.startTime) / 1000, ms, from, to: to - 1 });
  }
}
for (const h of holds.filter((x) => x.ms >= minMs).slice(0, top)) {
  const inclusive = new Map<string, number>();
  for (let i = h.from; i <= h.to; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (!n || n.callFrame.functionName === '(root)') continue;
      const k = name(n);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + 1);
    }
  }
  const samples = h.to - h.from + 1;
  console.log(`\nhold ${h.ms.toFixed(0)} ms at ${(h.start / 1000).toFixed(2)} s (${samples} samples)`);
  for (const [k, c] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${((100 * c) / samples).toFixed(0).padStart(3)}%  ${k}`);
}
