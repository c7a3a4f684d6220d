/**
 * What every LogSource must do, run against the in-process one (`berth up`) and the remote one (an
 * agent's log route over HTTP) alike: pass on each line with the stream and time the agent saw, in
 * order; honour tail; fail with the agent's error for a container it does not have; and in follow
 * mode keep streaming until the caller aborts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../domain/aws-error.js';
import type { LogServingAgent } from './agent-log-source.js';
import type { LogRequest } from '../../protocols/agent/index.js';
import type { LogLineOut, LogSource } from './agent-service.js';

export interface LogSourceFixture {
  readonly source: LogSource;
  cleanup(): Promise<void>;
}

export const conformanceTask = { cluster: 'logs', taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/logs/0123456789abcdef', containerName: 'app' };

/** Lines with distinct streams and times that no clock would make up. */
export const agentLines: LogLineOut[] = [
  { stream: 'stdout', line: 'one', time: 1_000_000_001 },
  { stream: 'stderr', line: 'two: {"json": "inside"}', time: 1_000_000_002 },
  { stream: 'stdout', line: 'three ü', time: 1_000_000_003 },
];

/** The agent side: serves `agentLines` for the conformance task's container, follow until aborted. */
export function conformanceAgent(): LogServingAgent & { follows: () => number } {
  let follows = 0;
  return {
    follows: () => follows,
    logs: async (taskArn, containerName, options) => {
      if (taskArn !== conformanceTask.taskArn || containerName !== conformanceTask.containerName) {
        throw new AwsError('InvalidParameterException', `The task has no container named ${containerName}.`, 400);
      }
      const lines = options.tail !== undefined ? agentLines.slice(-options.tail) : agentLines;
      return (async function* () {
        yield* lines;
        if (!options.follow) return;
        follows++;
        const signal = options.signal;
        if (signal && !signal.aborted) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      })();
    },
  };
}

async function collect(it: AsyncIterable<LogLineOut>, limit = Infinity): Promise<LogLineOut[]> {
  const out: LogLineOut[] = [];
  for await (const l of it) {
    out.push(l);
    if (out.length >= limit) break;
  }
  return out;
}

export function logSourceConformance(name: string, make: (agent: LogServingAgent) => Promise<LogSourceFixture>): void {
  describe(`log source conformance: ${name}`, () => {
    const agent = conformanceAgent();
    let fx: LogSourceFixture;
    before(async () => {
      fx = await make(agent);
    });
    after(async () => fx?.cleanup());
    const request = (over: Partial<LogRequest> = {}): LogRequest => ({ ...conformanceTask, ...over });

    test('each line comes with the stream and time the agent saw, in order', async () => {
      assert.deepEqual(await collect(await fx.source(request(), new AbortController().signal)), agentLines);
    });

    test('tail: the last N lines', async () => {
      assert.deepEqual(await collect(await fx.source(request({ tail: 2 }), new AbortController().signal)), agentLines.slice(-2));
    });

    test("a container the agent does not have: the agent's error code", async () => {
      await assert.rejects(
        fx.source(request({ containerName: 'nope' }), new AbortController().signal),
        (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException',
      );
    });

    test('follow: lines keep their order and the stream stays open until the caller aborts', async () => {
      const ac = new AbortController();
      const it = (await fx.source(request({ follow: true }), ac.signal))[Symbol.asyncIterator]();
      const got: LogLineOut[] = [];
      for (let i = 0; i < agentLines.length; i++) got.push((await it.next()).value as LogLineOut);
      assert.deepEqual(got, agentLines);
      const next = it.next();
      ac.abort();
      // Ends (done) or rejects with the abort: either way it does not hang.
      await next.then(
        (r) => assert.equal(r.done, true),
        () => undefined,
      );
      assert.ok(agent.follows() > 0, 'the agent was asked to follow');
    });
  });
}
