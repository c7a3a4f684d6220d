import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLbWorkers, parseUpConfig, refuseSecretFlag, UsageError } from './config.js';

test('defaults match the documented ones', () => {
  const c = parseUpConfig([], {});
  assert.deepEqual(
    { dataDir: c.dataDir, apiPort: c.apiPort, host: c.host, runtime: c.runtime, cluster: c.cluster, auth: c.auth, demo: c.demo },
    { dataDir: './.berth', apiPort: 4566, host: '127.0.0.1', runtime: 'auto', cluster: 'default', auth: 'none', demo: true },
  );
});

test('every flag has an env twin, and the flag wins', () => {
  const env = { BERTH_DATA_DIR: '/e', BERTH_API_PORT: '5000', BERTH_RUNTIME: 'process', BERTH_CLUSTER: 'envc', BERTH_NO_DEMO: 'true' };
  const fromEnv = parseUpConfig([], env);
  assert.equal(fromEnv.dataDir, '/e');
  assert.equal(fromEnv.apiPort, 5000);
  assert.equal(fromEnv.runtime, 'process');
  assert.equal(fromEnv.cluster, 'envc');
  assert.equal(fromEnv.demo, false);
  const fromFlag = parseUpConfig(['--api-port', '6000', '--runtime', 'docker', '--cluster', 'flagc'], env);
  assert.equal(fromFlag.apiPort, 6000);
  assert.equal(fromFlag.runtime, 'docker');
  assert.equal(fromFlag.cluster, 'flagc');
});

test('a non-loopback host forces sigv4', () => {
  assert.equal(parseUpConfig(['--host', '0.0.0.0'], {}).auth, 'sigv4');
  assert.equal(parseUpConfig(['--host', '0.0.0.0', '--auth', 'none'], {}).auth, 'sigv4');
  assert.equal(parseUpConfig(['--host', '127.0.0.5'], {}).auth, 'none');
  assert.equal(parseUpConfig(['--auth', 'sigv4'], {}).auth, 'sigv4');
});

test('bad values are usage errors', () => {
  assert.throws(() => parseUpConfig(['--api-port', 'x'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--api-port', '70000'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--runtime', 'podman'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--auth', 'basic'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--cluster', 'a b'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--bogus'], {}), UsageError);
});

test('the agent flags: advertise address and dynamic port range', () => {
  const c = parseUpConfig(['--advertise-ip', '127.0.0.9', '--port-range', '30000-30100'], {});
  assert.equal(c.advertiseIp, '127.0.0.9');
  assert.deepEqual(c.portRange, { low: 30000, high: 30100 });
  assert.equal(parseUpConfig([], {}).advertiseIp, '127.0.0.1');
  assert.equal(parseUpConfig([], {}).portRange, undefined);
  assert.throws(() => parseUpConfig(['--port-range', '300-100'], {}), UsageError);
});

test('agent liveness and lost-host times, in seconds', () => {
  const d = parseUpConfig([], {});
  assert.equal(d.agentTimeoutMs, 60_000);
  assert.equal(d.lostAfterMs, 600_000);
  const c = parseUpConfig(['--agent-timeout', '5', '--lost-after', '0'], {});
  assert.equal(c.agentTimeoutMs, 5_000);
  assert.equal(c.lostAfterMs, 0);
  assert.throws(() => parseUpConfig(['--lost-after', '-1'], {}), UsageError);
});

test('the secret key is refused on the command line and taken from the environment', () => {
  assert.throws(
    () => parseUpConfig(['--access-key-id', 'AK', '--secret-access-key', 'SK'], {}),
    (err: Error) =>
      err instanceof UsageError &&
      /--secret-access-key is not taken on the command line.*\/proc\/PID\/cmdline.*BERTH_SECRET_ACCESS_KEY.*credentials/.test(err.message),
  );
  // berth agent has no credentials file: it names the environment only.
  assert.throws(() => refuseSecretFlag({ 'secret-access-key': 'SK' }), /^UsageError: --secret-access-key .* set BERTH_SECRET_ACCESS_KEY$/);
  refuseSecretFlag({ 'access-key-id': 'AK' });
  const c = parseUpConfig(['--access-key-id', 'AK'], { BERTH_SECRET_ACCESS_KEY: 'SK' });
  assert.deepEqual([c.accessKeyId, c.secretAccessKey], ['AK', 'SK']);
});

test('--account-id: 12 digits, 000000000000 by default, env twin', () => {
  assert.equal(parseUpConfig([], {}).accountId, '000000000000');
  assert.equal(parseUpConfig(['--account-id', '123456789012'], {}).accountId, '123456789012');
  assert.equal(parseUpConfig([], { BERTH_ACCOUNT_ID: '210987654321' }).accountId, '210987654321');
  assert.throws(() => parseUpConfig(['--account-id', '1234'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--account-id', 'abcdefghijkl'], {}), UsageError);
});

test('ECS quotas: ECS defaults, flags and env twins, whole numbers only', () => {
  assert.deepEqual(parseUpConfig([], {}).ecsQuotas, {
    tasksPerService: 5000,
    servicesPerCluster: 5000,
    containersPerTaskDefinition: 10,
    taskDefinitionBytes: 65536,
  });
  const c = parseUpConfig(['--max-tasks-per-service', '20', '--max-task-definition-kib', '8'], { BERTH_MAX_SERVICES_PER_CLUSTER: '3' });
  assert.equal(c.ecsQuotas.tasksPerService, 20);
  assert.equal(c.ecsQuotas.servicesPerCluster, 3);
  assert.equal(c.ecsQuotas.taskDefinitionBytes, 8192);
  assert.throws(() => parseUpConfig(['--max-tasks-per-service', '-1'], {}), UsageError);
  assert.throws(() => parseUpConfig(['--max-containers-per-task-definition', '2.5'], {}), UsageError);
});

test('--allow-loopback-targets: on for a loopback API, opt-in elsewhere (flag or env)', () => {
  assert.equal(parseUpConfig([], {}).allowLoopbackTargets, true);
  assert.equal(parseUpConfig(['--host', '0.0.0.0'], {}).allowLoopbackTargets, false);
  assert.equal(parseUpConfig(['--host', '0.0.0.0', '--allow-loopback-targets'], {}).allowLoopbackTargets, true);
  assert.equal(parseUpConfig(['--host', '10.0.0.1'], { BERTH_ALLOW_LOOPBACK_TARGETS: '1' }).allowLoopbackTargets, true);
});

test('--lb-workers: the cores by default, a whole number from 1 to 1024, refused otherwise naming the flag', () => {
  assert.equal(parseUpConfig([], {}, { cores: 6 }).lbWorkers, 6);
  assert.equal(parseUpConfig(['--lb-workers', '3'], {}, { cores: 6 }).lbWorkers, 3);
  assert.equal(parseUpConfig([], { BERTH_LB_WORKERS: '2' }, { cores: 6 }).lbWorkers, 2);
  for (const bad of ['0', '-1', '1.5', 'two', '1025']) assert.throws(() => parseLbWorkers(bad, 4), /--lb-workers must be a whole number from 1 to 1024/);
});

test('--advertise-url: an http(s) host and port, env twin, trailing slash dropped; anything else a usage error', () => {
  assert.equal(parseUpConfig([], {}).advertiseUrl, undefined);
  assert.equal(parseUpConfig(['--advertise-url', 'http://10.0.0.5:4566/'], {}).advertiseUrl, 'http://10.0.0.5:4566');
  assert.equal(parseUpConfig([], { BERTH_ADVERTISE_URL: 'https://berth-1.internal' }).advertiseUrl, 'https://berth-1.internal');
  for (const bad of ['10.0.0.5:4566', 'ftp://10.0.0.5', 'http://10.0.0.5:4566/api', 'http://u:p@10.0.0.5', 'http://10.0.0.5/?x=1']) {
    assert.throws(
      () => parseUpConfig(['--advertise-url', bad], {}),
      (e: unknown) => e instanceof UsageError && /--advertise-url/.test(e.message),
      bad,
    );
  }
});

test('--etcd-max-txn-ops and BERTH_ETCD_MAX_TXN_OPS reach the etcd store choice; refused on SQLite', () => {
  const flag = parseUpConfig(['--store', 'etcd://127.0.0.1:2379', '--etcd-max-txn-ops', '512'], {});
  assert.deepEqual(flag.store, { kind: 'etcd', endpoints: ['127.0.0.1:2379'], maxTxnOps: 512 });
  const env = parseUpConfig([], { BERTH_STORE: 'etcd://127.0.0.1:2379', BERTH_ETCD_MAX_TXN_OPS: '64' });
  assert.deepEqual(env.store, { kind: 'etcd', endpoints: ['127.0.0.1:2379'], maxTxnOps: 64 });
  assert.throws(() => parseUpConfig(['--etcd-max-txn-ops', '512'], {}), /--etcd-max-txn-ops needs --store etcd/);
  assert.throws(() => parseUpConfig(['--store', 'etcd://127.0.0.1:2379', '--etcd-max-txn-ops', '2'], {}), /at least 3/);
});
