import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatus } from './status.js';

test('renderStatus: ok, and a failing store with its reason and for how long', () => {
  assert.equal(
    renderStatus('http://b', { status: 'ok', store: { ok: true }, fdLimit: { soft: 4096, hard: 4096 } }, 0),
    'Berth at http://b: ok\n  store: ok\n  open files limit: 4096 (hard 4096)\n',
  );
  const text = renderStatus(
    'http://b',
    { status: 'unavailable', store: { ok: false, fault: { reason: 'disk-full', message: 'the disk holding /d is full', since: 1000 } } },
    31_000,
  );
  assert.equal(text, 'Berth at http://b: unavailable\n  store: FAILING (disk-full) for 30 s: the disk holding /d is full\n');
});

test('renderStatus: servers, the leader, etcd members, agents and load-balancer nodes with when each was last seen', () => {
  const text = renderStatus('http://b', { status: 'ok', store: { ok: true } }, 100_000, {
    server: 's2',
    leader: { holder: 's1', apiUrl: 'http://127.0.0.1:1', since: 40_000 },
    servers: [
      { id: 's1', apiUrl: 'http://127.0.0.1:1', store: 'etcd', startedAt: 1, lastSeenAt: 99_000, leader: true },
      { id: 's2', apiUrl: 'http://127.0.0.1:2', store: 'etcd', startedAt: 2, lastSeenAt: 98_000, leader: false },
    ],
    store: {
      kind: 'etcd',
      members: [
        { name: 'm0', clientUrls: ['http://127.0.0.1:2379'], healthy: true, leader: true, dbSizeBytes: 2 * 1024 * 1024 },
        { name: 'm1', clientUrls: ['http://127.0.0.1:2380'], healthy: false, leader: false, error: 'deadline' },
      ],
    },
    agents: [{ cluster: 'default', containerInstanceArn: 'arn', ec2InstanceId: 'i-1', agentConnected: true, lastSeenAt: 97_000 }],
    lbNodes: [
      { nodeId: 'lb-127.0.0.21', advertiseAddress: '127.0.0.21', startedAt: 1, lastSeenAt: 96_000, fresh: true },
      { nodeId: 'lb-127.0.0.22', advertiseAddress: '127.0.0.22', startedAt: 1, lastSeenAt: 40_000, fresh: false },
    ],
  });
  assert.equal(
    text,
    [
      'Berth at http://b: ok',
      '  store: ok',
      '  this server: s2',
      '  leader: s1 (http://127.0.0.1:1), since 60 s ago',
      '  servers (2):',
      '    s1  http://127.0.0.1:1  leader  last seen 1 s ago',
      '    s2  http://127.0.0.1:2  standby  last seen 2 s ago',
      '  etcd members (2):',
      '    m0  http://127.0.0.1:2379  healthy  raft leader  db 2.0 MiB',
      '    m1  http://127.0.0.1:2380  UNHEALTHY (deadline)',
      '  agents (1):',
      '    i-1  default  connected  last seen 3 s ago',
      '  load-balancer nodes (2):',
      '    lb-127.0.0.21  127.0.0.21  fresh  last seen 4 s ago',
      '    lb-127.0.0.22  127.0.0.22  STALE  last seen 60 s ago',
      '',
    ].join('\n'),
  );
});
