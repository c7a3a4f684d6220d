/**
 * Every `berth` verb as a user runs it: the real binary against a real `berth up`, checking the
 * `--json` shapes, the exit codes (0 ok, 1 API error, 2 usage) and apply's plan and idempotency.
 * Nothing here needs tasks to reach RUNNING (see cli-deploy.test.ts for that).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { berthCli, freePort, isOneLineError, sampleStack, type CliResult } from './cli-harness.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { ecsClient, elbv2Client } from '../support/sdk-clients.js';
import { berthEntry } from '../support/berth-command.js';

describe('berth CLI verbs', { timeout: 300_000 }, () => {
  let berth: BerthProcess;
  let port: number;
  const cli = (...args: string[]): Promise<CliResult> => berthCli(berth.apiUrl, args);

  before(async () => {
    port = await freePort();
    berth = await startBerthProcess({ args: ['--runtime', 'process'] });
  });
  after(async () => {
    if (berth) await stopAllTasks(berth.apiUrl);
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('help: berth --help lists every verb (exit 0), a verb has its own help, no command is exit 2', async () => {
    const help = await cli('--help');
    assert.equal(help.code, 0);
    for (const verb of ['apply', 'ps', 'services', 'targets', 'events', 'logs', 'deploy', 'rollback', 'scale', 'drain'])
      assert.match(help.stdout, new RegExp(`\\n  ${verb} `));
    const applyHelp = await cli('apply', '--help');
    assert.equal(applyHelp.code, 0);
    assert.match(applyHelp.stdout, /usage: berth apply -f FILE \[--dry-run\]/);
    assert.equal((await cli()).code, 2);
  });

  test('usage errors exit 2 with one line on stderr', async () => {
    for (const args of [
      ['frobnicate'],
      ['ps', '--bogus'],
      ['scale', 'web'],
      ['scale', 'web', 'many'],
      ['apply'],
      ['deploy', 'web'],
      ['deploy', 'web', '--image', 'a', '--task-definition', 'b'],
      ['events', 'web', '-n', 'x'],
    ]) {
      const r = await cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(isOneLineError(r.stderr), `${args.join(' ')}: ${r.stderr}`);
    }
  });

  test('apply --dry-run prints the plan and changes nothing', async () => {
    const r = await cli('apply', '-f', sampleStack(port), '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `+ targetGroup web\n+ loadBalancer web\n+ listener web:${port}\n+ taskDefinition web\n+ service default/web\n\nPlan: 5 to create, 0 to update, 0 to delete.\n`,
    );
    const services = await cli('services', '--json');
    assert.deepEqual(JSON.parse(services.stdout), []);
    assert.equal((await cli('targets', 'web')).code, 1);
  });

  test('apply creates the stack; a second apply prints "No changes" and changes nothing', async () => {
    const file = sampleStack(port);
    const first = await cli('apply', '-f', file);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /\+ service default\/web: done\nApplied 5 changes\.\n$/);
    const second = await cli('apply', '-f', file);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'No changes. The stack is up to date.\n');
    const asJson = JSON.parse((await cli('apply', '-f', file, '--json')).stdout);
    assert.deepEqual(asJson, { plan: [], errors: [], applied: false });
    const tds = JSON.parse((await cli('services', '--json')).stdout);
    assert.equal(tds[0].taskDefinition, 'web:1', 'no new revision on a second apply');
  });

  test('apply of a changed file shows ~ with the changed fields, then applies them', async () => {
    const file = sampleStack(port, (t) => t.replace('HealthCheckIntervalSeconds: 5', 'HealthCheckIntervalSeconds: 6').replace('value: v1', 'value: v2'));
    const dry = await cli('apply', '-f', file, '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout);
    assert.deepEqual(
      plan.plan.map((i: { op: string; kind: string }) => `${i.op}${i.kind}`),
      ['~targetGroup', '~taskDefinition', '~service'],
    );
    assert.deepEqual(plan.plan[0].changes, [{ field: 'HealthCheckIntervalSeconds', from: 5, to: 6 }]);
    const text = await cli('apply', '-f', file);
    assert.match(text.stdout, /containerDefinitions\[0\]\.environment\[0\]\.value: "v1" -> "v2"/);
    assert.match(text.stdout, /taskDefinition: "web:1" -> "web:\(new revision\)"/);
    assert.equal((await cli('apply', '-f', file)).stdout, 'No changes. The stack is up to date.\n');
    assert.equal(JSON.parse((await cli('services', '--json')).stdout)[0].taskDefinition, 'web:2');
  });

  test('apply of a bad or missing file is a usage error; an immutable change is an API-side refusal', async () => {
    const bad = sampleStack(port, (t) => t.replace('serviceName: web', 'serviceNam: web'));
    const r = await cli('apply', '-f', bad);
    assert.equal(r.code, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.equal((await cli('apply', '-f', '/nonexistent/stack.yaml')).code, 2);
    const portChange = await cli(
      'apply',
      '-f',
      sampleStack(port, (t) => t.replace('    Port: 80\n    TargetType', '    Port: 81\n    TargetType')),
    );
    assert.equal(portChange.code, 1);
    assert.match(portChange.stderr, /target group web: Port cannot change in place \(80 -> 81\)/);
  });

  test('services and targets --json shapes', async () => {
    const services = JSON.parse((await cli('services', '--json')).stdout);
    assert.equal(services.length, 1);
    assert.deepEqual(
      Object.keys(services[0]).sort(),
      ['deployments', 'desired', 'name', 'pending', 'rollout', 'running', 'status', 'targetGroups', 'taskDefinition'].sort(),
    );
    assert.equal(services[0].name, 'web');
    assert.equal(services[0].desired, 2);
    assert.deepEqual(services[0].targetGroups, ['web']);
    const targets = await cli('targets', 'web', '--json');
    assert.equal(targets.code, 0, targets.stderr);
    for (const t of JSON.parse(targets.stdout)) {
      assert.equal(typeof t.id, 'string');
      assert.equal(typeof t.port, 'number');
      assert.equal(typeof t.state, 'string');
    }
    const missing = await cli('targets', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^berth: TargetGroupNotFoundException: /);
    assert.ok(isOneLineError(missing.stderr));
  });

  test('events --json and -n; a missing service is exit 1', async () => {
    const r = await cli('events', 'web', '--json', '-n', '0');
    assert.equal(r.code, 0, r.stderr);
    const events = JSON.parse(r.stdout);
    assert.ok(Array.isArray(events));
    for (const e of events) assert.deepEqual(Object.keys(e).sort(), ['createdAt', 'id', 'message']);
    const missing = await cli('events', 'nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'berth: service nope not found in cluster default\n');
  });

  test('scale sets the desired count; a missing service is exit 1', async () => {
    const r = await cli('scale', 'web', '3', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).desiredCount, 3);
    assert.equal(JSON.parse((await cli('services', '--json')).stdout)[0].desired, 3);
    const missing = await cli('scale', 'nope', '1');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^berth: ServiceNotFoundException: /);
    await cli('scale', 'web', '2');
  });

  test('ps --json rows have the documented fields; --service of a missing service is exit 1', async () => {
    const r = await cli('ps', '--json', '--all');
    assert.equal(r.code, 0, r.stderr);
    for (const row of JSON.parse(r.stdout)) {
      assert.equal(typeof row.id, 'string');
      assert.ok(Array.isArray(row.ports));
      assert.equal(typeof row.health, 'string');
    }
    assert.equal((await cli('ps', '--service', 'nope')).code, 1);
  });

  test('drain: an unknown instance is exit 1; the local instance goes DRAINING and back with --undo', async () => {
    assert.equal((await cli('drain', 'i-0000000000nope')).code, 1);
    const list = await fetchInstances(berth.apiUrl);
    assert.ok(list.length >= 1, 'berth up registers its local agent as a container instance');
    const drained = await cli('drain', list[0]!, '--json');
    assert.equal(drained.code, 0, drained.stderr);
    assert.equal(JSON.parse(drained.stdout).status, 'DRAINING');
    const back = await cli('drain', list[0]!, '--undo', '--json');
    assert.equal(JSON.parse(back.stdout).status, 'ACTIVE');
  });

  test('logs of a missing task is exit 1; a wrong endpoint is exit 1 with one line', async () => {
    const r = await cli('logs', 'ffffffffffffffffffffffffffffffff');
    assert.equal(r.code, 1);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    const down = await berthCli('http://127.0.0.1:1', ['services']);
    assert.equal(down.code, 1);
    assert.ok(isOneLineError(down.stderr), down.stderr);
  });

  test('apply reads the stack from stdin with -f -', async () => {
    const file = sampleStack(port);
    const r = await new Promise<CliResult>((resolveRun) => {
      import('node:child_process').then(({ spawn }) => {
        const child = spawn(process.execPath, [...berthEntry(), 'apply', '-f', '-', '--dry-run'], {
          cwd: new URL('../..', import.meta.url).pathname,
          env: { ...process.env, NODE_OPTIONS: '', BERTH_ENDPOINT: berth.apiUrl },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
        import('node:fs').then(({ createReadStream }) => createReadStream(file).pipe(child.stdin));
      });
    });
    assert.equal(r.code, 0, r.stderr);
    // The earlier test applied an edited file: the sample from stdin plans to put it back.
    assert.match(r.stdout, /^~ targetGroup web\n    HealthCheckIntervalSeconds: 6 -> 5\n/);
  });

  test('apply --prune deletes what this named stack created and the file dropped, and nothing else', async () => {
    const elbv2 = elbv2Client(berth.apiUrl);
    try {
      // Someone else's target group, created outside the stack: never touched.
      await elbv2.send(new elb.CreateTargetGroupCommand({ Name: 'outsider', Protocol: 'HTTP', Port: 80 }));
      const listenerPort = await freePort();
      const full = `name: shop
targetGroups:
  - { Name: shop-a, Protocol: HTTP, Port: 80 }
  - { Name: shop-b, Protocol: HTTP, Port: 80 }
loadBalancers:
  - Name: shop-lb
    Scheme: internal
    Listeners:
      - { Port: ${listenerPort}, Protocol: HTTP, DefaultActions: [{ Type: forward, TargetGroupName: shop-b }] }
`;
      const dir = mkdtempSync(join(tmpdir(), 'berth-prune-'));
      const file = join(dir, 'shop.yaml');
      writeFileSync(file, full);
      assert.equal((await cli('apply', '-f', file)).code, 0);
      writeFileSync(file, 'name: shop\ntargetGroups:\n  - { Name: shop-a, Protocol: HTTP, Port: 80 }\n');
      const keep = await cli('apply', '-f', file);
      assert.equal(keep.stdout, 'No changes. The stack is up to date.\n', 'without --prune nothing is deleted');
      const dry = await cli('apply', '-f', file, '--prune', '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /^- loadBalancer shop-lb\n- targetGroup shop-b\n\nPlan: 0 to create, 0 to update, 2 to delete\.\n$/);
      const pruned = await cli('apply', '-f', file, '--prune');
      assert.equal(pruned.code, 0, pruned.stderr);
      const names = ((await elbv2.send(new elb.DescribeTargetGroupsCommand({}))).TargetGroups ?? []).map((t) => t.TargetGroupName).sort();
      assert.ok(names.includes('shop-a') && names.includes('outsider') && !names.includes('shop-b'), names.join(', '));
      await assert.rejects(elbv2.send(new elb.DescribeLoadBalancersCommand({ Names: ['shop-lb'] })), (e: Error) => e.name === 'LoadBalancerNotFoundException');
      assert.equal((await cli('apply', '-f', file, '--prune')).stdout, 'No changes. The stack is up to date.\n');
      rmSync(dir, { recursive: true, force: true });
    } finally {
      elbv2.destroy();
    }
  });

  test('apply takes over what it did not create only with --adopt; without it, one line names them and nothing changes', async () => {
    const elbv2 = elbv2Client(berth.apiUrl);
    try {
      // As the AWS CLI walkthrough does: a target group made outside any stack, with the file's name.
      const made = await elbv2.send(new elb.CreateTargetGroupCommand({ Name: 'walk-web', Protocol: 'HTTP', Port: 80 }));
      const tgArn = made.TargetGroups![0]!.TargetGroupArn!;
      const stackTag = async (arn: string) =>
        (await elbv2.send(new elb.DescribeTagsCommand({ ResourceArns: [arn] }))).TagDescriptions?.[0]?.Tags?.find((t) => t.Key === 'berth:stack')?.Value;
      const dir = mkdtempSync(join(tmpdir(), 'berth-adopt-'));
      const file = join(dir, 'walk.yaml');
      writeFileSync(
        file,
        `name: walk
targetGroups:
  - { Name: walk-web, Protocol: HTTP, Port: 80, HealthCheckPath: /ready }
loadBalancers:
  - { Name: walk-lb, Scheme: internal }
`,
      );
      const refused = await cli('apply', '-f', file);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.ok(isOneLineError(refused.stderr), refused.stderr);
      assert.match(refused.stderr, /did not create targetGroup walk-web; pass --adopt/);
      assert.equal(refused.stdout, '');
      await assert.rejects(elbv2.send(new elb.DescribeLoadBalancersCommand({ Names: ['walk-lb'] })), (e: Error) => e.name === 'LoadBalancerNotFoundException');
      const tg = (await elbv2.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] }))).TargetGroups![0]!;
      assert.notEqual(tg.HealthCheckPath, '/ready', 'the refused apply changed nothing');
      assert.equal(await stackTag(tgArn), undefined);

      const dry = await cli('apply', '-f', file, '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(
        dry.stdout,
        /^adopt targetGroup walk-web\n~ targetGroup walk-web\n    HealthCheckPath: .* -> "\/ready"\n\+ loadBalancer walk-lb\n\nPlan: 1 to create, 1 to update, 0 to delete, 1 to adopt\.\n$/,
      );

      const adopted = await cli('apply', '-f', file, '--adopt');
      assert.equal(adopted.code, 0, adopted.stderr);
      assert.equal(await stackTag(tgArn), 'walk');
      assert.equal((await elbv2.send(new elb.DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] }))).TargetGroups![0]!.HealthCheckPath, '/ready');
      assert.equal((await cli('apply', '-f', file)).stdout, 'No changes. The stack is up to date.\n', "once adopted, it is the stack's own");
      rmSync(dir, { recursive: true, force: true });
    } finally {
      elbv2.destroy();
    }
  });
});

/** The ec2InstanceIds of the default cluster, through the SDK (what `berth drain` accepts). */
async function fetchInstances(apiUrl: string): Promise<string[]> {
  const ecs = await import('@aws-sdk/client-ecs');
  const client = ecsClient(apiUrl);
  try {
    const arns = (await client.send(new ecs.ListContainerInstancesCommand({ cluster: 'default' }))).containerInstanceArns ?? [];
    if (!arns.length) return [];
    const d = await client.send(new ecs.DescribeContainerInstancesCommand({ cluster: 'default', containerInstances: arns }));
    return (d.containerInstances ?? []).map((c) => c.ec2InstanceId!).filter(Boolean);
  } finally {
    client.destroy();
  }
}
