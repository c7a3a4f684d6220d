import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { systemClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { keys } from '../../domain/keys.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { createLogsHandlers } from './logs-handlers.js';
import { appendShipped, openShippedStream } from './shipped-logs.js';
import { awslogsLogSource } from './awslogs-log-source.js';
import type { LogLineOut } from '../agent-api/agent-service.js';

const ctx = () => ({ requestId: 'r', region: 'us-east-1', accountId: '000000000000', now: Date.now(), sourceIp: '127.0.0.1' });

async function collect(it: AsyncIterable<LogLineOut>, n = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) {
    out.push(l.line);
    if (out.length >= n) break;
  }
  return out;
}

test('awslogs containers read from the log store (tail, follow); others from the host', async () => {
  const store = new MemoryStore();
  const ecs = createEcsHandlers({ store, clock: systemClock, random: seededRandom(1) });
  const td = (await ecs.RegisterTaskDefinition!(
    {
      family: 'f',
      containerDefinitions: [
        { name: 'app', image: 'i', memory: 32, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/g', 'awslogs-stream-prefix': 'p' } } },
        { name: 'side', image: 'i', memory: 32 },
      ],
    },
    ctx(),
  )) as { taskDefinition: { taskDefinitionArn: string } };
  await store.put(keys.task('c', 't1'), {
    taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/t1',
    taskDefinitionArn: td.taskDefinition.taskDefinitionArn,
    containers: [],
  });
  await createLogsHandlers({ store }).CreateLogGroup!({ logGroupName: '/g' }, ctx());
  const target = { region: 'us-east-1', group: '/g', stream: 'p/app/t1', createGroup: false };
  await openShippedStream(store, target, Date.now());
  const t = Date.now() - 1000;
  await appendShipped(
    store,
    target,
    ['a', 'b', 'c'].map((m, k) => ({ timestamp: t, message: m, last: { t, k } })),
    Date.now(),
  );
  const host = async () =>
    (async function* () {
      yield { stream: 'stdout' as const, line: 'from the host', time: 0 };
    })();
  const source = awslogsLogSource({ store, clock: systemClock, region: 'us-east-1', pollMs: 10 }, host);
  const ac = new AbortController();
  const req = { cluster: 'c', taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/t1', containerName: 'app' };
  assert.deepEqual(await collect(await source({ ...req, tail: 2 }, ac.signal)), ['b', 'c']);
  assert.deepEqual(await collect(await source({ ...req, containerName: 'side' }, ac.signal)), ['from the host']);
  const follow = await source({ ...req, follow: true }, ac.signal);
  const later = collect(follow, 4);
  await appendShipped(store, target, [{ timestamp: t + 1, message: 'd', last: { t: t + 1, k: 0 } }], Date.now());
  assert.deepEqual(await later, ['a', 'b', 'c', 'd']);
  ac.abort();
});
