/**
 * The behaviour every ContainerRuntime must show, in two parts.
 *
 * - The contract (`runtimeContract`): lifecycle and states, labels, port bindings as given, list by
 *   label, idempotent stop/remove, unknown ids, runtime names. Every runtime passes it, the in-memory
 *   FakeRuntime too, so a unit test on the fake relies on nothing a real runtime would not do.
 * - Execution (`runtimeConformance` = the contract + this): what only something that really runs a
 *   process can show: serving HTTP on the published port, environment, logs and their streams, SIGTERM
 *   then SIGKILL, exit codes, follow, health checks. Docker and process run it. A fixture says how to
 *   serve HTTP in that runtime and where the served app echoes an environment variable; everything else
 *   is plain `sh -c`, which both have.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BERTH_LABELS, RuntimeError, type ContainerRuntime, type ContainerSpec, type LogLine } from './runtime.js';
import { INSTANCE_LABEL } from '../container-spec.js';
import { freePort } from '../../platform/free-port.js';
import { eventually } from '../../../test/support/eventually.js';
export { freePort };

/** What the contract needs: a runtime and an image it has. */
export interface ContractFixture {
  runtime: ContainerRuntime;
  image: string;
  cleanup(): Promise<void>;
}

export interface ConformanceFixture extends ContractFixture {
  /** entryPoint + command serving HTTP on `port` inside the container; logs "listening", and on SIGTERM logs "shutting down" and exits 0. */
  server(port: number): Pick<ContainerSpec, 'entryPoint' | 'command'>;
  /** A path on that server whose body holds the value of environment variable `name`. */
  envPath(name: string): string;
}

/** One suite's runtime, its own cluster label, and spec builders; `before`/`after` set it up and remove what it made. */
function suiteRig<F extends ContractFixture>(make: () => Promise<F>) {
  const rig = {
    fx: undefined as F | undefined,
    cluster: `conformance-${randomBytes(4).toString('hex')}`,
    seq: 0,
    get rt(): ContainerRuntime {
      assert.ok(rig.fx, 'the fixture is made in before()');
      return rig.fx.runtime;
    },
    spec(over: Partial<ContainerSpec>): ContainerSpec {
      const n = ++rig.seq;
      assert.ok(rig.fx, 'the fixture is made in before()');
      return {
        name: `c${n}`,
        image: rig.fx.image,
        portBindings: [],
        bindIp: '127.0.0.1',
        networkMode: 'bridge',
        labels: { [BERTH_LABELS.cluster]: rig.cluster, [BERTH_LABELS.taskArn]: `arn:aws:ecs:local:0:task/${rig.cluster}/t${n}` },
        stopTimeoutS: 2,
        ...over,
      };
    },
    async run(s: ContainerSpec): Promise<string> {
      const id = await rig.rt.create(s);
      await rig.rt.start(id);
      return id;
    },
  };
  before(async () => {
    rig.fx = await make();
  });
  after(async () => {
    if (!rig.fx) return;
    for (const c of await rig.fx.runtime.list({ [BERTH_LABELS.cluster]: rig.cluster })) await rig.fx.runtime.remove(c.runtimeId);
    await rig.fx.cleanup();
  });
  return rig;
}

const sh = (script: string) => ({ entryPoint: ['/bin/sh', '-c'], command: [script] });

export function runtimeContract(name: string, make: () => Promise<ContractFixture>, skip: false | string = false): void {
  describe(`runtime contract: ${name}`, { skip }, () => {
    const rig = suiteRig(make);

    test('ping answers', async () => {
      assert.equal(await rig.rt.ping(), true);
    });

    test('ensureImage accepts a local image without pulling', async () => {
      const logs: string[] = [];
      assert.ok(rig.fx);
      await rig.rt.ensureImage(rig.fx.image, (m) => logs.push(m));
      assert.ok(!logs.some((l) => /pulled/.test(l)), logs.join('\n'));
    });

    test('created, running with its labels and port bindings, listed by label, stopped, removed', async () => {
      const rt = rig.rt;
      const hostPort = await freePort();
      const s = rig.spec({
        ...sh('while :; do sleep 1; done'),
        portBindings: [{ containerPort: 8080, hostPort, protocol: 'tcp' }],
        dockerLabels: { team: 'berth' },
        stopTimeoutS: 1,
      });
      const exits: string[] = [];
      const unsubscribe = rt.onExit?.((rid) => exits.push(rid));
      try {
        const id = await rt.create(s);
        assert.equal((await rt.inspect(id)).status, 'created');
        await rt.start(id);
        const st = await rt.inspect(id);
        assert.equal(st.status, 'running');
        assert.equal(st.name, s.name);
        assert.equal(st.labels[BERTH_LABELS.taskArn], s.labels[BERTH_LABELS.taskArn]);
        assert.equal(st.labels.team, 'berth');
        assert.deepEqual(st.portBindings, s.portBindings);
        assert.ok(st.startedAt && Math.abs(st.startedAt - Date.now()) < 60_000, `startedAt ${st.startedAt}`);
        assert.equal(st.health, 'UNKNOWN');

        assert.deepEqual(
          (await rt.list({ [BERTH_LABELS.taskArn]: s.labels[BERTH_LABELS.taskArn] })).map((c) => c.runtimeId),
          [id],
        );
        assert.deepEqual(await rt.list({ [BERTH_LABELS.taskArn]: 'arn:none' }), []);
        assert.ok((await rt.list({ [BERTH_LABELS.cluster]: rig.cluster })).some((c) => c.runtimeId === id));

        await rt.stop(id, 1);
        const stopped = await rt.inspect(id);
        assert.equal(stopped.status, 'exited');
        // 143: the process died of SIGTERM; 137: it ignored it (a shell as PID 1 does) and was killed; 0: it exited cleanly.
        assert.ok([0, 137, 143].includes(stopped.exitCode ?? -1), `exit code ${stopped.exitCode}`);
        assert.ok(stopped.finishedAt && stopped.finishedAt >= (stopped.startedAt ?? 0));
        if (unsubscribe) await eventually(() => (exits.includes(id) ? true : undefined), { what: 'the exit is reported', timeoutMs: 10_000, intervalMs: 50 });

        await rt.stop(id, 1); // idempotent
        await rt.remove(id);
        await rt.remove(id); // idempotent
        assert.equal((await rt.inspect(id)).status, 'missing');
        assert.deepEqual(await rt.list({ [BERTH_LABELS.taskArn]: s.labels[BERTH_LABELS.taskArn] }), []);
      } finally {
        unsubscribe?.();
      }
    });

    test('stop, remove and inspect of an unknown id succeed', async () => {
      const unknown = 'f'.repeat(64);
      await rig.rt.stop(unknown, 1);
      await rig.rt.remove(unknown);
      assert.equal((await rig.rt.inspect(unknown)).status, 'missing');
      assert.equal(await rig.rt.usage(unknown), undefined, 'no usage for an unknown id');
    });

    test('create with a runtimeName is idempotent for the same task', async () => {
      const s = rig.spec({ ...sh('exit 0'), runtimeName: `${rig.cluster}-named` });
      const a = await rig.rt.create(s);
      const b = await rig.rt.create(s);
      assert.equal(a, b);
      assert.equal((await rig.rt.list({ [BERTH_LABELS.taskArn]: s.labels[BERTH_LABELS.taskArn] })).length, 1);
      await rig.rt.remove(a);
    });

    test("a name clash with another owner's container never hands that container out", async () => {
      // Two Berths on one Docker: the same task and name, but another agent's instance label.
      const mine = rig.spec({ ...sh('exit 0'), runtimeName: `${rig.cluster}-clash` });
      const theirs: ContainerSpec = { ...mine, labels: { ...mine.labels, [INSTANCE_LABEL]: 'i-0000000000000000a' } };
      const a = await rig.rt.create(theirs);
      const b = await rig.rt.create({ ...mine, labels: { ...mine.labels, [INSTANCE_LABEL]: 'i-0000000000000000b' } }).catch((e: unknown) => e);
      assert.notEqual(b, a, "the other owner's container was reused");
      if (typeof b === 'string') await rig.rt.remove(b);
      else assert.ok(b instanceof RuntimeError && b.code === 'CREATE_FAILED', String(b));
      assert.equal((await rig.rt.inspect(a)).labels[INSTANCE_LABEL], 'i-0000000000000000a');
      await rig.rt.remove(a);
    });
  });
}

/** The contract and the execution part: for runtimes that really run processes. */
export function runtimeConformance(name: string, make: () => Promise<ConformanceFixture>, skip: false | string = false): void {
  runtimeContract(name, make, skip);
  describe(`runtime execution: ${name}`, { skip }, () => {
    const rig = suiteRig(make);
    let fx: ConformanceFixture;
    let rt: ContainerRuntime;
    before(() => {
      assert.ok(rig.fx);
      fx = rig.fx;
      rt = fx.runtime;
    });
    const spec = (over: Partial<ContainerSpec>) => rig.spec(over);
    const run = (s: ContainerSpec) => rig.run(s);

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
      assert.ok((await rt.list({ [BERTH_LABELS.cluster]: rig.cluster })).some((c) => c.runtimeId === id));

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

    test("usage: a busy container's CPU time grows, its memory counts, and a stopped one has none", async () => {
      // A busy loop in a child of the shell: a runtime must count the whole container, not its first process.
      const id = await run(spec(sh('(while :; do :; done) & wait')));
      const first = await eventually(
        async () => {
          const u = await rt.usage(id);
          return u && u.cpuNs > 0 ? u : undefined;
        },
        { what: 'a first reading with CPU time', timeoutMs: 10_000, intervalMs: 100 },
      );
      const later = await eventually(
        async () => {
          const u = await rt.usage(id);
          return u && u.at - first.at >= 1000 ? u : undefined;
        },
        { what: 'a reading a second later', timeoutMs: 10_000, intervalMs: 200 },
      );
      const cores = (later.cpuNs - first.cpuNs) / ((later.at - first.at) * 1e6);
      // One busy loop is one core at most; a loaded machine gives it less (a few hundredths of a core at worst), but never nothing.
      assert.ok(cores > 0.02 && cores < 1.5, `${cores.toFixed(2)} cores`);
      assert.ok(later.memoryBytes > 0, `${later.memoryBytes} bytes`);
      await rt.stop(id, 1);
      assert.equal(await rt.usage(id), undefined, 'no usage once stopped');
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
