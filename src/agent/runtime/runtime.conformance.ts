/**
 * The behaviour every ContainerRuntime must show, run against docker and process alike. A fixture
 * says how to serve HTTP in that runtime and where the served app echoes an environment variable;
 * everything else is plain `sh -c`, which both have.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BERTH_LABELS, RuntimeError, type ContainerRuntime, type ContainerSpec, type LogLine } from './runtime.js';
import { INSTANCE_LABEL } from '../container-spec.js';
import { freePort } from '../../platform/free-port.js';
import { eventually } from '../../../test/support/eventually.js';
export { freePort };

export interface ConformanceFixture {
  runtime: ContainerRuntime;
  image: string;
  /** entryPoint + command serving HTTP on `port` inside the container; logs "listening", and on SIGTERM logs "shutting down" and exits 0. */
  server(port: number): Pick<ContainerSpec, 'entryPoint' | 'command'>;
  /** A path on that server whose body holds the value of environment variable `name`. */
  envPath(name: string): string;
  cleanup(): Promise<void>;
}

export function runtimeConformance(name: string, make: () => Promise<ConformanceFixture>, skip: false | string = false): void {
  describe(`runtime conformance: ${name}`, { skip }, () => {
    let fx: ConformanceFixture;
    let rt: ContainerRuntime;
    const cluster = `conformance-${randomBytes(4).toString('hex')}`;
    let seq = 0;

    before(async () => {
      fx = await make();
      rt = fx.runtime;
    });
    after(async () => {
      if (!rt) return;
      for (const c of await rt.list({ [BERTH_LABELS.cluster]: cluster })) await rt.remove(c.runtimeId);
      await fx.cleanup();
    });

    const spec = (over: Partial<ContainerSpec>): ContainerSpec => {
      const n = ++seq;
      return {
        name: `c${n}`,
        image: fx.image,
        portBindings: [],
        bindIp: '127.0.0.1',
        networkMode: 'bridge',
        labels: { [BERTH_LABELS.cluster]: cluster, [BERTH_LABELS.taskArn]: `arn:aws:ecs:local:0:task/${cluster}/t${n}` },
        stopTimeoutS: 2,
        ...over,
      };
    };
    const sh = (script: string) => ({ entryPoint: ['/bin/sh', '-c'], command: [script] });
    const run = async (s: ContainerSpec) => {
      const id = await rt.create(s);
      await rt.start(id);
      return id;
    };

    test('ping answers', async () => {
      assert.equal(await rt.ping(), true);
    });

    test('ensureImage accepts a local image without pulling', async () => {
      const logs: string[] = [];
      await rt.ensureImage(fx.image, (m) => logs.push(m));
      assert.ok(!logs.some((l) => /pulled/.test(l)), logs.join('\n'));
    });

    test('serves on the published host port, with labels, environment, list and logs; stops gracefully', async () => {
      const hostPort = await freePort();
      const cPort = 8080;
      const s = spec({
        ...fx.server(cPort),
        environment: { APP_VERSION: 'v-conformance' },
        portBindings: [{ containerPort: cPort, hostPort, protocol: 'tcp' }],
        dockerLabels: { team: 'berth' },
      });
      const id = await run(s);
      const body = await eventually(() => get(hostPort, fx.envPath('APP_VERSION')), {
        what: 'the app answers on its host port',
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      assert.match(body, /v-conformance/);

      const st = await rt.inspect(id);
      assert.equal(st.status, 'running');
      assert.equal(st.name, s.name);
      assert.equal(st.labels[BERTH_LABELS.taskArn], s.labels[BERTH_LABELS.taskArn]);
      assert.equal(st.labels.team, 'berth');
      assert.deepEqual(st.portBindings, s.portBindings);
      assert.ok(st.startedAt && Math.abs(st.startedAt - Date.now()) < 60_000);
      assert.equal(st.health, 'UNKNOWN');

      const listed = await rt.list({ [BERTH_LABELS.taskArn]: s.labels[BERTH_LABELS.taskArn] });
      assert.deepEqual(
        listed.map((c) => c.runtimeId),
        [id],
      );
      assert.deepEqual(await rt.list({ [BERTH_LABELS.taskArn]: 'arn:none' }), []);
      assert.ok((await rt.list({ [BERTH_LABELS.cluster]: cluster })).some((c) => c.runtimeId === id));

      await eventually(async () => ((await lines(rt, id)).some((l) => /listening/.test(l.line)) ? true : undefined), {
        what: 'the app logs listening',
        timeoutMs: 5000,
        intervalMs: 100,
      });

      await rt.stop(id, 5);
      const stopped = await rt.inspect(id);
      assert.equal(stopped.status, 'exited');
      assert.ok(stopped.exitCode === 0 || stopped.exitCode === 143, `exit code ${stopped.exitCode}`);
      assert.ok(stopped.finishedAt && stopped.finishedAt >= (stopped.startedAt ?? 0));
      const after = await eventually(
        async () => {
          const ls = await lines(rt, id);
          return ls.some((l) => /shutting down/.test(l.line)) ? ls : undefined;
        },
        { what: 'the app logs shutting down', timeoutMs: 5000, intervalMs: 100 },
      );
      assert.ok(after.every((l) => l.time > 0));
      await assert.rejects(get(hostPort, '/'), 'nothing listens after stop');

      await rt.stop(id, 5); // idempotent
      await rt.remove(id);
      await rt.remove(id); // idempotent
      assert.equal((await rt.inspect(id)).status, 'missing');
    });

    test('stop, remove and inspect of an unknown id succeed', async () => {
      const unknown = 'f'.repeat(64);
      await rt.stop(unknown, 1);
      await rt.remove(unknown);
      assert.equal((await rt.inspect(unknown)).status, 'missing');
    });

    test('a process ignoring SIGTERM is killed after the timeout (137)', async () => {
      const id = await run(spec(sh("trap '' TERM; echo stubborn; while :; do sleep 1; done")));
      await eventually(async () => ((await lines(rt, id)).length > 0 ? true : undefined), { what: 'the first log line', timeoutMs: 5000, intervalMs: 100 });
      const t0 = Date.now();
      await rt.stop(id, 1);
      const took = Date.now() - t0;
      const st = await rt.inspect(id);
      assert.equal(st.status, 'exited');
      assert.equal(st.exitCode, 137);
      assert.ok(took >= 900, `stopped after ${took} ms, before the timeout`);
    });

    test('a container that exits by itself shows exited with its code, stdout and stderr apart', async () => {
      const exits: string[] = [];
      const unsubscribe = rt.onExit?.((rid) => exits.push(rid));
      try {
        const id = await run(spec(sh('echo to-out; echo to-err >&2; exit 3')));
        const st = await eventually(
          async () => {
            const s = await rt.inspect(id);
            return s.status === 'exited' ? s : undefined;
          },
          { what: 'the container exits', timeoutMs: 10_000, intervalMs: 100 },
        );
        assert.equal(st.exitCode, 3);
        const ls = await eventually(
          async () => {
            const l = await lines(rt, id);
            return l.length >= 2 ? l : undefined;
          },
          { what: 'its logs are complete', timeoutMs: 5000, intervalMs: 100 },
        );
        assert.deepEqual(ls.map((l) => [l.stream, l.line]).sort(), [
          ['stderr', 'to-err'],
          ['stdout', 'to-out'],
        ]);
        assert.deepEqual((await collect(rt.logs(id, { tail: 1 }))).length, 1);
        if (unsubscribe)
          await eventually(async () => (exits.includes(id) ? true : undefined), { what: 'the exit is reported', timeoutMs: 5000, intervalMs: 100 });
      } finally {
        unsubscribe?.();
      }
    });

    test('follow yields lines as they are written and ends when the container exits', async () => {
      const id = await run(spec(sh('for i in 1 2 3; do echo line-$i; sleep 1; done')));
      const got = await collect(rt.logs(id, { follow: true, signal: AbortSignal.timeout(15_000) }));
      assert.deepEqual(
        got.map((l) => l.line),
        ['line-1', 'line-2', 'line-3'],
      );
      const times = got.map((l) => l.time);
      assert.ok(times[2]! - times[0]! >= 1000, `lines came ${times.join(',')}`);
    });

    test('health check passing becomes HEALTHY, failing becomes UNHEALTHY', async () => {
      const hc = { intervalS: 0.3, timeoutS: 2, retries: 1, startPeriodS: 0 };
      const loop = sh('while :; do sleep 1; done');
      const good = await run(spec({ ...loop, healthCheck: { ...hc, command: ['CMD-SHELL', 'exit 0'] }, stopTimeoutS: 0 }));
      const bad = await run(spec({ ...loop, healthCheck: { ...hc, command: ['CMD-SHELL', 'exit 1'] }, stopTimeoutS: 0 }));
      const health = (id: string) => async () => {
        const h = (await rt.inspect(id)).health;
        return h === 'UNKNOWN' ? undefined : h;
      };
      assert.equal(await eventually(health(good), { what: 'the healthy container is HEALTHY', timeoutMs: 10_000, intervalMs: 100 }), 'HEALTHY');
      assert.equal(await eventually(health(bad), { what: 'the failing container is UNHEALTHY', timeoutMs: 10_000, intervalMs: 100 }), 'UNHEALTHY');
      await Promise.all([rt.stop(good, 0), rt.stop(bad, 0)]);
    });

    test('create with a runtimeName is idempotent for the same task', async () => {
      const s = spec({ ...sh('exit 0'), runtimeName: `${cluster}-named` });
      const a = await rt.create(s);
      const b = await rt.create(s);
      assert.equal(a, b);
      assert.equal((await rt.list({ [BERTH_LABELS.taskArn]: s.labels[BERTH_LABELS.taskArn] })).length, 1);
      await rt.remove(a);
    });

    test("a name clash with another owner's container never hands that container out", async () => {
      // Two Berths on one Docker: the same task and name, but another agent's instance label.
      const mine = spec({ ...sh('exit 0'), runtimeName: `${cluster}-clash` });
      const theirs: ContainerSpec = { ...mine, labels: { ...mine.labels, [INSTANCE_LABEL]: 'i-0000000000000000a' } };
      const a = await rt.create(theirs);
      const b = await rt.create({ ...mine, labels: { ...mine.labels, [INSTANCE_LABEL]: 'i-0000000000000000b' } }).catch((e: unknown) => e);
      assert.notEqual(b, a, "the other owner's container was reused");
      if (typeof b === 'string') await rt.remove(b);
      else assert.ok(b instanceof RuntimeError && b.code === 'CREATE_FAILED', String(b));
      assert.equal((await rt.inspect(a)).labels[INSTANCE_LABEL], 'i-0000000000000000a');
      await rt.remove(a);
    });
  });
}

async function lines(rt: ContainerRuntime, id: string): Promise<LogLine[]> {
  return collect(rt.logs(id));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function get(port: number, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return text;
}
