/**
 * Idle connections must not be able to take the process down. A real `berth server` runs with one
 * load-balancer worker, whose file-descriptor limit is lowered (prlimit on the running worker, the
 * process that holds the listeners) so that a few hundred idle sockets to one listener would exhaust it: the listeners must hold no more than their share of the
 * descriptors, shed the rest, and keep the API and the other listeners answering. A listener with `berth.listener.max_connections`
 * holds no more than that, a new client taking the place of the oldest idle one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { startBerthProcess, removeDataDir, type BerthProcess } from '../support/berth-process.js';
import { freePort } from '../../src/platform/free-port.js';

import { eventually } from '../support/eventually.js';

const body = (port: number): Promise<string> =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.text(),
    (e: Error) => `error: ${e.message}`,
  );

/** Opens n connections that never send a byte; resolves once each is connected or failed. */
async function idle(port: number, n: number): Promise<net.Socket[]> {
  const out: net.Socket[] = [];
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve) => {
          const s = net.connect(port, '127.0.0.1');
          out.push(s);
          s.on('connect', () => resolve());
          s.on('error', () => resolve());
          s.on('close', () => resolve());
        }),
    ),
  );
  return out;
}

/** The pids whose parent is `pid` (from /proc/<pid>/stat's 4th field). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out.sort((a, c) => a - c);
}

const open = (sockets: net.Socket[]): number => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;

describe('listeners under connection floods', () => {
  let b: BerthProcess;
  let lbs: elb.ElasticLoadBalancingV2Client;
  let limited = 0;
  let flooded = 0;
  let other = 0;
  const sockets: net.Socket[] = [];

  before(async () => {
    b = await startBerthProcess({ command: 'server', args: ['--lb-workers', '1'] });
    lbs = new elb.ElasticLoadBalancingV2Client({
      endpoint: b.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    const listen = async (name: string, port: number, attributes: elb.LoadBalancerAttribute[] = []): Promise<void> => {
      const lb = (await lbs.send(new elb.CreateLoadBalancerCommand({ Name: name, Scheme: 'internal' }))).LoadBalancers![0]!;
      if (attributes.length) await lbs.send(new elb.ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn, Attributes: attributes }));
      await lbs.send(
        new elb.CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: port,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: name } }],
        }),
      );
      assert.equal(await eventually(() => body(port), { what: `listener ${name} answers`, timeoutMs: 10_000, intervalMs: 50, until: (t) => t === name }), name);
    };
    limited = await freePort();
    await listen('limited', limited, [{ Key: 'berth.listener.max_connections', Value: '20' }]);
    flooded = await freePort();
    await listen('flooded', flooded);
    other = await freePort();
    await listen('other', other);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    lbs?.destroy();
    if (b) {
      await b.stop();
      removeDataDir(b.dataDir);
    }
  });

  test('berth.listener.max_connections: 60 idle connections leave at most 20 open, and a new client is still served', async () => {
    const flood = await idle(limited, 60);
    sockets.push(...flood);
    const held = await eventually(async () => open(flood), {
      what: 'at most 20 idle connections held',
      timeoutMs: 10_000,
      intervalMs: 50,
      until: (n) => n <= 20,
    });
    assert.ok(held <= 20, `open idle connections: ${held}`);
    assert.equal(await body(limited), 'limited', 'a new client takes the place of an idle one');
  });

  test('descriptors short: the listeners hold only their share, the process keeps headroom, and the API and every listener answer', async () => {
    // The server's node process, and its one worker: the process that accepts the listeners' connections.
    const [nodeProcess] = childrenOf(b.child.pid!);
    const [worker] = childrenOf(nodeProcess!);
    assert.ok(worker, 'the node has its worker');
    const pid = worker;
    const used = readdirSync(`/proc/${pid}/fd`).length;
    const limit = used + 80;
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`]);
    // The budget (half the soft limit) is re-read every second: wait until the node has seen the new limit.
    const lowered = new RegExp(
      `client connection budget lowered.*"budget":${Math.floor(limit / 2)}|"budget":${Math.floor(limit / 2)}.*client connection budget lowered`,
    );
    await eventually(() => b.output(), { what: 'the node logs the lowered budget', timeoutMs: 5000, intervalMs: 50, until: (o) => lowered.test(o) });
    const flood = await idle(flooded, 300);
    sockets.push(...flood);
    const held = await eventually(async () => open(flood), {
      what: 'idle connections within the budget',
      timeoutMs: 10_000,
      intervalMs: 50,
      until: (n) => n <= Math.floor(limit / 2),
    });
    assert.ok(held <= Math.floor(limit / 2), `idle connections held: ${held} of 300 (limit ${limit})`);
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    assert.ok(fds < limit - 10, `descriptors in use: ${fds} of ${limit}`);
    assert.equal(b.child.exitCode, null, `berth exited:\n${b.output()}`);
    assert.ok(childrenOf(nodeProcess!).includes(pid), 'the worker is still the one serving');
    // A new API connection (a new client), not the SDK's kept-alive one.
    const fresh = new elb.ElasticLoadBalancingV2Client({
      endpoint: b.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    const described = await fresh.send(new elb.DescribeLoadBalancersCommand({})).then(
      (r) => r.LoadBalancers!.length,
      (e: Error) => e.message,
    );
    fresh.destroy();
    assert.equal(described, 3, 'the API answers');
    assert.equal(await body(other), 'other', 'another listener answers');
    assert.equal(await body(flooded), 'flooded', 'the flooded listener answers (an idle connection made room)');
    assert.equal(b.child.exitCode, null, `berth exited:\n${b.output()}`);
    // pino writes asynchronously.
    assert.match(
      await eventually(async () => b.output(), {
        what: 'the shed is logged',
        timeoutMs: 5000,
        intervalMs: 50,
        until: (o) => /listener shed client connections/.test(o),
      }),
      /listener shed client connections.*"reason":"fd-pressure"|"reason":"fd-pressure".*listener shed client connections/,
    );
  });
});
