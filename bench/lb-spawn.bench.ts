/**
 * A restarted load-balancer node, from the spawn of `berth lb` to the first 200 through its listener
 * (issue 14: "the restarted node serves its listeners within 2 s"). Loopback only: one compiled
 * `berth server --no-lb` (SQLite), one target (an HTTP server in this process, an `ip` target on
 * 127.0.0.1) behind an internal ALB, and a peer node on 127.0.0.31 that keeps the target healthy in
 * the control plane's merged health, as the other node of a pair does. The node measured runs on
 * 127.0.0.32 and is killed with SIGKILL after each run:
 *
 *  - "restart": the same data dir each time (its last routing snapshot is there), as after a crash;
 *  - "fresh": a new data dir each time (nothing saved: the first records come from the server).
 *
 * Each run prints the node's own start-up marks (ms since its process began: modules loaded, flags
 * parsed, first records from a server, workers ready, listening, first healthy target) and, from
 * this side, spawn → first 200. The figure of the issue is the median of the runs.
 *
 *   node --import tsx bench/lb-spawn.bench.ts [runs]        (default 5)
 *
 * With BERTH_BENCH_BASE=DIR (another build of Berth, e.g. `tsc -p tsconfig.build.json --outDir DIR`
 * of an older commit, inside the repository so node_modules resolves), every run is made with both
 * builds one after the other, so that the two medians see the same machine load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { compiledBerthEntry, removeCompiledBerth } from '../test/support/berth-entry.js';
import { repoRoot } from '../test/support/berth-process.js';
import { freePort } from '../src/platform/free-port.js';
import { median } from './stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const RUNS = Number(process.argv[2] ?? 5);
const PEER_IP = '127.0.0.31';
const NODE_IP = '127.0.0.32';

interface Child {
  readonly proc: ChildProcess;
  readonly spawnedAt: number;
  output(): string;
  /** Resolves with the first line that contains `text`. */
  line(text: string, timeoutMs?: number): Promise<string>;
  kill9(): Promise<void>;
}

function startChild(args: readonly string[], entry = compiledBerthEntry()): Child {
  const spawnedAt = Date.now();
  const proc = spawn(process.execPath, [entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    spawnedAt,
    output: () => out,
    line: (text, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const check = (): void => {
          const found = out.split('\n').find((l) => l.includes(text));
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(found);
        };
        waiters.push(check);
        check();
      }),
    kill9: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

async function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function until<T>(what: string, timeoutMs: number, intervalMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The node's start-up marks from its JSON log lines (the last line that has them). */
function marksOf(output: string): Record<string, number> {
  let marks: Record<string, number> = {};
  for (const l of output.split('\n')) {
    if (!l.startsWith('{')) continue;
    try {
      const rec = JSON.parse(l) as { startUpMs?: Record<string, number> };
      if (rec.startUpMs) marks = rec.startUpMs;
    } catch {
      // a line that is not a log record
    }
  }
  return marks;
}

interface Run {
  readonly firstOkMs: number;
  readonly marks: Record<string, number>;
}

interface Build {
  readonly name: string;
  readonly entry: string;
}

/** One run: spawn, poll the listener until a 200, read the node's marks, kill -9. */
async function runOnce(build: Build, args: string[], url: string, label: string): Promise<Run> {
  // The previous node's port must be closed: a 200 from it would count for this one.
  await until('the previous node gone', 10_000, 20, async () => ((await statusOf(url)) === 0 ? true : undefined));
  const node = startChild(args, build.entry);
  try {
    const okAt = await until('a 200 through the restarted node', 30_000, 5, async () => ((await statusOf(url)) === 200 ? Date.now() : undefined));
    // Its "healthy" mark may come a moment after the first 200 (logs are asynchronous; an older build has none).
    await node.line('load-balancer node has a healthy target', 3_000).catch(() => undefined);
    const marks = marksOf(node.output());
    const phases = Object.entries(marks)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`  ${label} ${build.name}: first 200 ${okAt - node.spawnedAt} ms after spawn (node's marks, ms since its start: ${phases || 'none'})`);
    return { firstOkMs: okAt - node.spawnedAt, marks };
  } finally {
    await node.kill9();
  }
}

/** RUNS runs of every build, interleaved: run i of each build back to back. */
async function measure(builds: readonly Build[], nodeArgs: () => string[], url: string): Promise<Map<string, Run[]>> {
  const out = new Map<string, Run[]>(builds.map((b) => [b.name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const b of builds) out.get(b.name)?.push(await runOnce(b, nodeArgs(), url, `run ${i + 1}`));
  }
  return out;
}

function summary(name: string, runs: readonly Run[]): void {
  const phases = [...new Set(runs.flatMap((r) => Object.keys(r.marks)))];
  const parts = phases.map((p) => `${p} ${median(runs.flatMap((r) => (r.marks[p] === undefined ? [] : [r.marks[p]])))}`);
  console.log(
    `${name}: spawn → first 200 median ${median(runs.map((r) => r.firstOkMs))} ms over ${runs.length} runs; node marks (median): ${parts.join(', ')}`,
  );
}

async function main(): Promise<void> {
  const dirs: string[] = [];
  const dir = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const children: Child[] = [];
  const target = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetPort = (target.address() as { port: number }).port;
  try {
    console.log(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${RUNS} runs each)`,
    );
    const apiPort = await freePort('127.0.0.1');
    const serverUrl = `http://127.0.0.1:${apiPort}`;
    const server = startChild(['server', '--data-dir', dir('berth-bench-lbspawn-server-'), '--api-port', String(apiPort), '--no-lb', '--log-level', 'warn']);
    children.push(server);
    await server.line('API: ');
    const elb = new ElasticLoadBalancingV2Client({ endpoint: serverUrl, region: 'us-east-1', credentials: { accessKeyId: 'berth', secretAccessKey: 'berth' } });
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'spawn', Scheme: 'internal' }))).LoadBalancers?.[0];
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({ Name: 'spawn', Protocol: 'HTTP', Port: 80, TargetType: 'ip', HealthCheckIntervalSeconds: 5, HealthyThresholdCount: 2 }),
      )
    ).TargetGroups?.[0];
    if (!lb?.LoadBalancerArn || !tg?.TargetGroupArn) throw new Error('no load balancer or target group');
    const listenerPort = await freePort('127.0.0.1');
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: listenerPort,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: '127.0.0.1', Port: targetPort }] }));
    const nodeArgs = (ip: string, dataDir: string): string[] => [
      'lb',
      '--server',
      serverUrl,
      '--advertise-ip',
      ip,
      '--data-dir',
      dataDir,
      '--log-format',
      'json',
    ];
    const peer = startChild(nodeArgs(PEER_IP, dir('berth-bench-lbspawn-peer-')));
    children.push(peer);
    await peer.line('load-balancer node is up');
    const tgArn = tg.TargetGroupArn;
    await until('the target healthy', 30_000, 100, async () => {
      const d = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
      return d.TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'healthy' ? true : undefined;
    });
    const url = `http://${NODE_IP}:${listenerPort}/`;
    const builds: Build[] = [{ name: 'this build', entry: compiledBerthEntry() }];
    const base = process.env.BERTH_BENCH_BASE;
    if (base) builds.push({ name: 'base build', entry: join(base, 'cli', 'main.js') });
    const same = dir('berth-bench-lbspawn-node-');
    console.log('restart (same data dir, its routing snapshot saved):');
    // One run first, not counted, saves the snapshot the measured runs start from.
    const priming = startChild(nodeArgs(NODE_IP, same));
    await priming.line('load-balancer node is up');
    await until('the snapshot saved', 10_000, 50, async () => (existsSync(join(same, 'routing-snapshot.json')) ? true : undefined));
    await priming.kill9();
    const restart = await measure(builds, () => nodeArgs(NODE_IP, same), url);
    console.log('fresh (new data dir each run):');
    const fresh = await measure(builds, () => nodeArgs(NODE_IP, dir('berth-bench-lbspawn-node-')), url);
    for (const b of builds) {
      summary(`restart, ${b.name}`, restart.get(b.name) ?? []);
      summary(`fresh, ${b.name}`, fresh.get(b.name) ?? []);
    }
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    for (const c of children.reverse()) await c.kill9();
    target.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    removeCompiledBerth();
  }
}

await main();
