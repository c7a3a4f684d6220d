import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStoreChoice, type STORE_FLAGS } from './store-flags.js';

const parse = (flags: Partial<Record<keyof typeof STORE_FLAGS, string>>, env: NodeJS.ProcessEnv = {}) => parseStoreChoice((f) => flags[f], env);

test('--store: the default is the data dir SQLite file; sqlite:PATH; etcd endpoints with TLS and auth', () => {
  assert.deepEqual(parse({}), { kind: 'sqlite' });
  assert.deepEqual(parse({ store: 'sqlite:/var/lib/berth.db' }), { kind: 'sqlite', path: '/var/lib/berth.db' });
  assert.deepEqual(parse({ store: 'etcd://127.0.0.1:2379,10.0.0.2:2379' }), { kind: 'etcd', endpoints: ['127.0.0.1:2379', '10.0.0.2:2379'] });
  assert.deepEqual(
    parse({ store: 'etcd://e1:2379', 'etcd-cacert': 'ca.pem', 'etcd-cert': 'c.pem', 'etcd-key': 'k.pem', 'etcd-user': 'berth' }, { BERTH_ETCD_PASSWORD: 'pw' }),
    { kind: 'etcd', endpoints: ['e1:2379'], caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', user: 'berth', password: 'pw' },
  );
});

test('--store: refusals name the flag', () => {
  assert.throws(() => parse({ store: 'mysql://x' }), /--store must be sqlite:PATH or etcd:\/\//);
  assert.throws(() => parse({ store: 'etcd://nohost' }), /"nohost" is not HOST:PORT/);
  assert.throws(() => parse({ store: 'etcd://h:99999' }), /not HOST:PORT/);
  assert.throws(() => parse({ store: 'sqlite:' }), /needs a path/);
  assert.throws(() => parse({ 'etcd-user': 'u' }), /--etcd-user needs --store etcd/);
  assert.throws(() => parse({ store: 'etcd://h:1', 'etcd-cert': 'c' }), /--etcd-cert and --etcd-key go together/);
  assert.throws(() => parse({ store: 'etcd://h:1', 'etcd-user': 'u' }), /BERTH_ETCD_PASSWORD/);
});

test('--etcd-max-txn-ops: a whole number of at least 3, only with an etcd store', () => {
  assert.deepEqual(parse({ store: 'etcd://e1:2379', 'etcd-max-txn-ops': '1000' }), { kind: 'etcd', endpoints: ['e1:2379'], maxTxnOps: 1000 });
  assert.equal(parse({ store: 'etcd://e1:2379', 'etcd-max-txn-ops': '3' }).kind, 'etcd');
  for (const bad of ['2', '0', '-5', '12.5', 'lots', '']) {
    assert.throws(() => parse({ store: 'etcd://e1:2379', 'etcd-max-txn-ops': bad }), /--etcd-max-txn-ops must be a whole number of at least 3/, bad);
  }
  assert.throws(() => parse({ 'etcd-max-txn-ops': '500' }), /--etcd-max-txn-ops needs --store etcd/);
  assert.throws(() => parse({ store: 'sqlite:/x.db', 'etcd-max-txn-ops': '500' }), /--etcd-max-txn-ops needs --store etcd/);
});
