/**
 * `--account-id` reaches every ARN: those the API's handlers make (ECS, ELBv2), the agent
 * service's (the local agent's container instance), the console's and STS's answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseUpConfig } from '../../src/main/config.js';
import { startBerth, type RunningBerth } from '../../src/main/up.js';
import { silentLogger } from '../../src/platform/logger.js';
import { removeDataDir } from '../support/berth-process.js';
import { ecsClient, elbv2Client } from '../support/sdk-clients.js';

const ACCOUNT = '123456789012';

describe('berth up --account-id', () => {
  let berth: RunningBerth;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-account-'));
    berth = await startBerth(
      parseUpConfig(['--data-dir', dataDir, '--api-port', '0', '--no-demo', '--runtime', 'process', '--account-id', ACCOUNT], {}),
      silentLogger,
    );
  });
  after(async () => {
    await berth?.stop();
    removeDataDir(dataDir);
  });

  test('every ARN carries the account', async () => {
    const cfg = { endpoint: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'AKIDACCOUNT', secretAccessKey: 'x' }, maxAttempts: 1 };
    const ecs = ecsClient(cfg.endpoint, cfg);
    const cluster = (await ecs.send(new CreateClusterCommand({ clusterName: `acct-${process.pid}` }))).cluster!;
    assert.equal(cluster.clusterArn, `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/acct-${process.pid}`);
    const tg = (await elbv2Client(cfg.endpoint, cfg).send(new CreateTargetGroupCommand({ Name: 'acct', Protocol: 'HTTP', Port: 80 }))).TargetGroups![0]!;
    assert.match(tg.TargetGroupArn!, new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/acct/`));
    const instances = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'default' }))).containerInstanceArns ?? [];
    assert.equal(instances.length, 1);
    assert.match(instances[0]!, new RegExp(`^arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/default/`));
    const consoleClusters = (await (await fetch(`${berth.apiUrl}/berth/console/v1/clusters`)).json()) as { clusters: Array<{ clusterArn: string }> };
    assert.ok(consoleClusters.clusters.length >= 2);
    for (const c of consoleClusters.clusters) assert.match(c.clusterArn, new RegExp(`^arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/`));
    const sts = await (
      await fetch(berth.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      })
    ).text();
    assert.match(sts, new RegExp(`<Account>${ACCOUNT}</Account>`));
  });
});
