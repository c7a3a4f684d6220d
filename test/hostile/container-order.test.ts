/**
 * Hostile dependsOn through the real API server and the AWS SDK: cycles of every length up to the
 * container quota, self-dependency, unknown and missing names, a condition ECS does not have, and
 * the densest graph the quota allows. Refusals are ClientException naming `dependsOn`, answered
 * fast, and store nothing; the dense acyclic graph is accepted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ECSClient, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { startBerth, type RunningBerth } from '../../src/main/up.js';
import { parseUpConfig } from '../../src/main/config.js';
import { silentLogger } from '../../src/platform/logger.js';
import { ecsClient } from '../support/sdk-clients.js';

describe('hostile dependsOn is refused at RegisterTaskDefinition', () => {
  let dataDir: string;
  let berth: RunningBerth;
  let ecs: ECSClient;
  const family = `order-${Math.random().toString(36).slice(2, 8)}`;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-hostile-order-'));
    berth = await startBerth(parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo'], {}), silentLogger, { withAgent: false });
    ecs = ecsClient(berth.apiUrl, { region: 'us-east-1', credentials: { accessKeyId: 'berth', secretAccessKey: 'berth' }, maxAttempts: 1 });
  });
  after(async () => {
    ecs?.destroy();
    await berth?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const c = (i: number, dependsOn: ContainerDefinition['dependsOn'] = [], over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
    name: `c${i}`,
    image: 'x',
    memory: 6,
    dependsOn,
    ...over,
  });
  const refusal = async (containerDefinitions: ContainerDefinition[]): Promise<string> => {
    const t0 = performance.now();
    try {
      await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions }));
    } catch (e) {
      const err = e as { name: string; message: string };
      assert.ok(performance.now() - t0 < 2000);
      return `${err.name}: ${err.message}`;
    }
    throw new Error('the request was accepted');
  };

  test('cycles of length 1 to 10 are refused, the chain named', async () => {
    for (let n = 1; n <= 10; n++) {
      const defs = Array.from({ length: n }, (_, i) => c(i, [{ containerName: `c${(i + 1) % n}`, condition: 'START' }]));
      const chain = [...Array.from({ length: n }, (_, i) => `c${i}`), 'c0'].join(' -> ');
      assert.equal(await refusal(defs), `ClientException: Invalid 'dependsOn' setting for container 'c0'. Circular dependency between containers: ${chain}.`);
    }
  });

  test('a cycle hidden behind an acyclic prefix is found', async () => {
    const defs = [
      c(0, [{ containerName: 'c1', condition: 'START' }]),
      c(1, [{ containerName: 'c2', condition: 'START' }]),
      c(2, [{ containerName: 'c1', condition: 'START' }]),
    ];
    assert.equal(
      await refusal(defs),
      "ClientException: Invalid 'dependsOn' setting for container 'c1'. Circular dependency between containers: c1 -> c2 -> c1.",
    );
  });

  test('unknown, missing and wrongly typed names and conditions are refused naming dependsOn', async () => {
    const bad: [ContainerDefinition['dependsOn'], RegExp][] = [
      [
        [{ containerName: 'ghost', condition: 'START' }],
        /^ClientException: Invalid 'dependsOn' setting for container 'c0'\. Container 'ghost' does not exist in the task definition\.$/,
      ],
      [[{ containerName: '', condition: 'START' }], /^ClientException: Invalid 'dependsOn' setting for container 'c0'\. Container '' does not exist/],
      [
        [{ condition: 'START' } as never],
        /^InvalidParameterException: .*'containerDefinitions\.1\.member\.dependsOn\.1\.member\.containerName' failed to satisfy constraint: Member must not be null$/,
      ],
      [
        [{ containerName: 'c1' } as never],
        /^InvalidParameterException: .*dependsOn\.1\.member\.condition' failed to satisfy constraint: Member must not be null$/,
      ],
      [
        [{ containerName: 'c1', condition: 'RUNNING' as never }],
        /^InvalidParameterException: 1 validation error detected: Value 'RUNNING' at 'containerDefinitions\.1\.member\.dependsOn\.1\.member\.condition' failed to satisfy constraint: Member must satisfy enum value set: \[START, COMPLETE, SUCCESS, HEALTHY\]$/,
      ],
    ];
    for (const [dependsOn, expected] of bad) assert.match(await refusal([c(0, dependsOn), c(1)]), expected);
  });

  test('the densest acyclic graph the quota allows (each of 10 containers on every earlier one) is accepted', async () => {
    const defs = Array.from({ length: 10 }, (_, i) =>
      c(
        i,
        Array.from({ length: i }, (_, j) => ({ containerName: `c${j}`, condition: 'START' as const })),
      ),
    );
    const r = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: defs }));
    assert.equal(r.taskDefinition!.containerDefinitions!.find((d) => d.name === 'c9')!.dependsOn!.length, 9);
    const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    assert.equal(listed.taskDefinitionArns!.length, 1, 'only the accepted one was stored');
  });
});
