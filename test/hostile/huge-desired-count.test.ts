/**
 * Issue 9: a service record with desiredCount 2^31 already in the store (written there directly, as
 * an old version or a hand edit could leave it; no API quota is relied on) must not brick a start.
 * The real `berth up` starts on that data dir, answers the API, reconciles the service pass after pass
 * (each pass starts at most maxStartsPerPass tasks), and stays within bounded memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ecs from '@aws-sdk/client-ecs';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { keys } from '../../src/domain/keys.js';
import type { ServiceRecord } from '../../src/domain/ecs/records.js';
import { removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { eventually } from '../support/eventually.js';

const HUGE = 2 ** 31;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

test('berth up on a data dir holding a service with desiredCount 2^31 starts, answers, and stays bounded', { timeout: 120_000 }, async () => {
  const cluster = `huge-${Math.random().toString(36).slice(2, 8)}`;
  // First start: make the cluster, a task definition and an ordinary service through the API.
  const first = await startBerthProcess({ command: 'server', args: ['--cluster', cluster] });
  const dataDir = first.dataDir;
  try {
    const client = new ecs.ECSClient({ endpoint: first.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await client.send(new ecs.CreateClusterCommand({ clusterName: cluster }));
    const td = (
      await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'huge', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 16 }] }))
    ).taskDefinition!;
    await client.send(new ecs.CreateServiceCommand({ cluster, serviceName: 'huge', taskDefinition: td.taskDefinitionArn, desiredCount: 0 }));
    client.destroy();
  } finally {
    assert.equal(await first.stop(), 0);
  }

  // Then the record is made huge directly in the SQLite store, behind the API's back.
  const store = SqliteStore.open(join(dataDir, 'berth.db'));
  const key = keys.service(cluster, 'huge');
  const rec = (await store.get<ServiceRecord>(key))!;
  await store.put(key, { ...rec.value, desiredCount: HUGE, deployments: rec.value.deployments.map((d) => ({ ...d, desiredCount: HUGE })) });
  await store.close();

  const started = Date.now();
  const berth = await startBerthProcess({ command: 'server', dataDir, args: ['--cluster', cluster] });
  const client = new ecs.ECSClient({ endpoint: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
  try {
    const describe = async () => (await client.send(new ecs.DescribeServicesCommand({ cluster, services: ['huge'] }))).services![0]!;
    const svc = await describe();
    assert.equal(svc.desiredCount, HUGE, 'the API answers with the record as it is');
    assert.ok(Date.now() - started < 30_000, 'started in time');
    // The controller made passes over it: with no container instance, each ends in ECS's placement event.
    const events = await eventually(async () => ((await describe()).events ?? []).map((e) => e.message!), {
      what: 'the placement event of a finished pass',
      timeoutMs: 30_000,
      intervalMs: 200,
      until: (ms) => ms.some((m) => m.includes('was unable to place a task')),
    });
    assert.ok(
      events.some((m) => m.includes('was unable to place a task')),
      `a pass ran to its end: ${events.join(' | ')}`,
    );
    // Still answering, alive, and small: no desiredCount-sized array was ever built.
    assert.equal((await client.send(new ecs.ListServicesCommand({ cluster }))).serviceArns!.length, 1);
    assert.equal(berth.child.exitCode, null);
    const rss = rssMb(berth.child.pid!);
    assert.ok(rss < 400, `RSS ${rss.toFixed(0)} MB`);
    console.log(`huge-desired-count: up in ${Date.now() - started} ms, RSS ${rss.toFixed(0)} MB`);
  } finally {
    client.destroy();
    await berth.stop();
    removeDataDir(dataDir);
  }
});
