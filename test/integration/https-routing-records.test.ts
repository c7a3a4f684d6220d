/**
 * An HTTPS listener's TLS material reaches the load-balancer node's routing table: the records the
 * node watches carry each issued certificate with its key opened, the table's listener has its policy,
 * default and SNI certificates, and a rotation (a re-import, a changed certificate list) gives a new
 * table well within a second.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { sealedBoxFromKey } from '../../src/platform/sealed-box.js';
import { createAcmService } from '../../src/control-plane/acm/acm-handlers.js';
import { ephemeralCertificateAuthority } from '../../src/control-plane/acm/certificate-authority.js';
import { selfSigned } from '../../src/control-plane/acm/test-certificates.test-support.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { ACCOUNT_ID, DEFAULT_REGION, type RequestContext } from '../../src/control-plane/api/operation.js';
import { RoutingRecordsCache } from '../../src/control-plane/load-balancer-api/routing-records-cache.js';
import { routingInputFromRecords, type RoutingRecords } from '../../src/load-balancer/node/routing-source.js';
import { buildRoutingTable, type Listener } from '../../src/load-balancer/routing-table.js';
import { eventually } from '../support/eventually.js';
import { operationCaller } from '../../src/control-plane/api/handler-test-kit.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

test('HTTPS listener TLS material in the routing table, and rotation within a second', async () => {
  const store = new MemoryStore();
  const random = seededRandom(11);
  const box = sealedBoxFromKey(Buffer.alloc(32, 9));
  const ctx = (): RequestContext => ({ requestId: 'r', region: DEFAULT_REGION, accountId: ACCOUNT_ID, now: Date.now(), sourceIp: '127.0.0.1' });
  const acm = createAcmService({ store, clock: systemClock, random, sealedBox: box, authority: ephemeralCertificateAuthority(random, Date.now()) }).handlers;
  const elb = createElbv2Handlers({ store, clock: systemClock, random });
  const acmCall = operationCaller<'acm'>(acm, ctx);
  const elbCall = operationCaller<'elbv2'>(elb, ctx);

  const main = selfSigned(['shop.example.com']);
  const api = selfSigned(['*.api.example.com']);
  const { CertificateArn: mainArn } = await acmCall('ImportCertificate', { Certificate: bytes(main.certificatePem), PrivateKey: bytes(main.privateKeyPem) });
  const { CertificateArn: apiArn } = await acmCall('ImportCertificate', { Certificate: bytes(api.certificatePem), PrivateKey: bytes(api.privateKeyPem) });
  const lb = (await elbCall('CreateLoadBalancer', { Name: 'tls' })).LoadBalancers[0];
  const listener = (
    await elbCall('CreateListener', {
      LoadBalancerArn: lb.LoadBalancerArn,
      Protocol: 'HTTPS',
      Port: 8443,
      Certificates: [{ CertificateArn: mainArn }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
    })
  ).Listeners[0];
  await elbCall('AddListenerCertificates', { ListenerArn: listener.ListenerArn, Certificates: [{ CertificateArn: apiArn }] });

  let latest: RoutingRecords | undefined;
  let tables = 0;
  const cache = new RoutingRecordsCache(store, undefined, box);
  latest = (await cache.snapshot()).records;
  cache.subscribe((s) => {
    latest = s.records;
    tables++;
  });
  const sub = { close: () => cache.close() };
  const tlsListener = (): Listener | undefined => {
    if (!latest) return undefined;
    const table = buildRoutingTable(routingInputFromRecords(latest, Date.now()));
    return [...table.listeners.values()].find((l) => l.arn === listener.ListenerArn);
  };
  try {
    const l = await eventually(() => tlsListener(), { what: 'the HTTPS listener in the table', timeoutMs: 2000, intervalMs: 10 });
    assert.equal(l.protocol, 'HTTPS');
    assert.equal(l.tls?.sslPolicy, 'ELBSecurityPolicy-TLS13-1-3-2021-06');
    assert.equal(l.tls?.defaultCertificate.arn, mainArn);
    assert.equal(l.tls?.defaultCertificate.privateKeyPem, main.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    assert.deepEqual(l.tls?.defaultCertificate.names, ['shop.example.com']);
    assert.deepEqual(
      l.tls?.certificates.map((c) => [c.arn, c.names]),
      [[apiArn, ['*.api.example.com']]],
    );

    // Rotation: a re-import onto the default certificate's ARN.
    const next = selfSigned(['shop.example.com', 'www.shop.example.com'], { key: 'rsa' });
    const t0 = Date.now();
    await acmCall('ImportCertificate', { CertificateArn: mainArn, Certificate: bytes(next.certificatePem), PrivateKey: bytes(next.privateKeyPem) });
    await eventually(() => (tlsListener()?.tls?.defaultCertificate.names.includes('www.shop.example.com') ? true : undefined), {
      what: 'the rotated certificate in the table',
      timeoutMs: 1000,
      intervalMs: 5,
    });
    const rotatedMs = Date.now() - t0;
    assert.ok(rotatedMs < 1000, `rotation took ${rotatedMs} ms`);
    assert.equal(tlsListener()?.tls?.defaultCertificate.privateKeyPem, next.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

    // A changed certificate list.
    await elbCall('RemoveListenerCertificates', { ListenerArn: listener.ListenerArn, Certificates: [{ CertificateArn: apiArn }] });
    await eventually(() => (tlsListener()?.tls?.certificates.length === 0 ? true : undefined), {
      what: 'the SNI certificate gone',
      timeoutMs: 1000,
      intervalMs: 5,
    });
    // One new snapshot at least for the re-import and one for the changed list.
    assert.ok(tables >= 2, `${tables} snapshots`);
    console.log(`rotation reached the routing records in ${rotatedMs} ms`);
  } finally {
    sub.close();
    await store.close();
  }
});
