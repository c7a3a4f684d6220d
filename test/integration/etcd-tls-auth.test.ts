/**
 * The etcd connection flags against real etcd members: `--etcd-cacert/--etcd-cert/--etcd-key` on a
 * member serving TLS with client-certificate auth (certificates made by openssl here), and
 * `--etcd-user` with BERTH_ETCD_PASSWORD on a member with auth enabled. The flags go through the
 * server's own parser (parseUpConfig) and store opener (openStore), as `berth server` does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { parseUpConfig } from '../../src/main/config.js';
import { openStore, type OpenedStore } from '../../src/main/open-store.js';
import { etcdRequirement, startEtcdCluster, type EtcdCluster } from '../support/etcd-cluster.js';

const skip = etcdRequirement();

/** Opens the store `berth server <flags>` would, and proves it with a write and a read back. */
async function writeThrough(flags: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const config = parseUpConfig(['--no-lb', ...flags], env);
  const opened: OpenedStore = await openStore(config.store, tmpdir());
  try {
    await opened.store.put('/berth/test/flags', { ok: true });
    assert.deepEqual((await opened.store.get('/berth/test/flags'))?.value, { ok: true });
  } finally {
    await opened.store.close();
  }
}

/** The store refuses, for the reason given (etcd's or the TLS handshake's words). */
const refused = (flags: readonly string[], why: RegExp, env: NodeJS.ProcessEnv = {}) =>
  assert.rejects(writeThrough(flags, env), (e: Error) => {
    assert.match(e.message, /^Berth cannot reach its store \(etcd\)/);
    assert.match(e.message, why);
    return true;
  });

describe('etcd over TLS with client certificates, and with user auth', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-etcd-tls-'));
  const file = (name: string) => join(dir, name);
  let tlsEtcd: EtcdCluster | undefined;
  let authEtcd: EtcdCluster | undefined;

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ca = (name: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      `/CN=${name}`,
    );
  const signed = (name: string, by: string, ext: string) => {
    writeFileSync(file(`${name}.ext`), ext);
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${by}.pem`,
      '-CAkey',
      `${by}.key`,
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    );
  };

  before(async () => {
    ca('ca');
    ca('other-ca');
    signed('member', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
    signed('client', 'ca', 'extendedKeyUsage=clientAuth\n');
    signed('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
    [tlsEtcd, authEtcd] = await Promise.all([
      startEtcdCluster({
        clientTls: {
          caFile: file('ca.pem'),
          certFile: file('member.pem'),
          keyFile: file('member.key'),
          clientCertFile: file('client.pem'),
          clientKeyFile: file('client.key'),
        },
      }),
      startEtcdCluster(),
    ]);
    // etcd's auth: a root user with the root role, then auth on (what `etcdctl user add root; etcdctl auth enable` does).
    const admin = new Etcd3({ hosts: `http://${authEtcd.endpoints[0]}` });
    try {
      await admin.user('root').create('root-password');
      await admin.user('root').addRole('root');
      await admin.auth.authEnable();
    } finally {
      admin.close();
    }
  });
  after(async () => {
    await tlsEtcd?.stop();
    await authEtcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--etcd-cacert, --etcd-cert and --etcd-key: a client certificate from the CA gets in; none, or another CA’s, does not', async () => {
    const store = ['--store', tlsEtcd?.storeUrl ?? ''];
    await writeThrough([...store, '--etcd-cacert', file('ca.pem'), '--etcd-cert', file('client.pem'), '--etcd-key', file('client.key')]);
    await refused([...store, '--etcd-cacert', file('ca.pem')], /bad certificate/);
    await refused([...store, '--etcd-cacert', file('ca.pem'), '--etcd-cert', file('stranger.pem'), '--etcd-key', file('stranger.key')], /bad certificate/);
    // The member's certificate is checked too: trusting another CA fails the handshake.
    await refused([...store, '--etcd-cacert', file('other-ca.pem'), '--etcd-cert', file('client.pem'), '--etcd-key', file('client.key')], /unable to verify/);
    // And plain text to a TLS member gets nowhere.
    await refused(store, /UNAVAILABLE/);
  });

  test('--etcd-user with BERTH_ETCD_PASSWORD: the right password gets in; a wrong one, or none, does not', async () => {
    const store = ['--store', authEtcd?.storeUrl ?? ''];
    await writeThrough([...store, '--etcd-user', 'root'], { BERTH_ETCD_PASSWORD: 'root-password' });
    await refused([...store, '--etcd-user', 'root'], /authentication failed/, { BERTH_ETCD_PASSWORD: 'wrong' });
    await refused(store, /user name is empty/);
    assert.throws(() => parseUpConfig([...store, '--etcd-user', 'root'], {}), /BERTH_ETCD_PASSWORD/);
  });
});
