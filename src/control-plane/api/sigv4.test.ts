import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authError, parseAuthorization, regionOf, signature, signRequest, verifySigV4, type CredentialScope, type SignedRequest } from './sigv4.js';

// AWS's published SigV4 test suite, case "get-vanilla".
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const vanillaScope: CredentialScope = { accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'service' };
const vanilla: SignedRequest = { method: 'GET', url: '/', headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' }, body: Buffer.alloc(0) };

const NOW = Date.UTC(2026, 10, 23, 18, 38, 1);
const AMZ = '20261123T183801Z';
const creds = new Map([['AKID', 'secret']]);

function signed(body: string, opts: { secret?: string; key?: string; amzDate?: string; url?: string } = {}): SignedRequest {
  const scope: CredentialScope = { accessKeyId: opts.key ?? 'AKID', date: (opts.amzDate ?? AMZ).slice(0, 8), region: 'eu-west-1', service: 'ecs' };
  const headers: Record<string, string> = {
    host: '127.0.0.1:9',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-date': opts.amzDate ?? AMZ,
    'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
  };
  const req: SignedRequest = { method: 'POST', url: opts.url ?? '/', headers, body: Buffer.from(body) };
  const names = Object.keys(headers).sort();
  const sig = signature(req, opts.secret ?? 'secret', scope, opts.amzDate ?? AMZ, names);
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${scope.accessKeyId}/${scope.date}/eu-west-1/ecs/aws4_request, SignedHeaders=${names.join(';')}, Signature=${sig}`;
  return req;
}

describe('SigV4', () => {
  test('signRequest produces what verifySigV4 accepts, and nothing else does', () => {
    const req: SignedRequest = {
      method: 'GET',
      url: '/berth/agent/v1/logs?task=a%2Fb&container=app',
      headers: { host: '127.0.0.1:4566' },
      body: Buffer.alloc(0),
    };
    const headers = { ...req.headers, ...signRequest(req, { accessKeyId: 'AKID', secretAccessKey: 'secret' }, NOW, 'us-east-1', 'berth') };
    assert.equal(headers['x-amz-date'], AMZ);
    assert.match(
      headers.authorization,
      /^AWS4-HMAC-SHA256 Credential=AKID\/20261123\/us-east-1\/berth\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    assert.deepEqual(verifySigV4({ ...req, headers }, creds, NOW), {
      ok: true,
      scope: { accessKeyId: 'AKID', date: '20261123', region: 'us-east-1', service: 'berth' },
    });
    const wrongSecret = { ...req.headers, ...signRequest(req, { accessKeyId: 'AKID', secretAccessKey: 'nope' }, NOW, 'us-east-1', 'berth') };
    assert.equal((verifySigV4({ ...req, headers: wrongSecret }, creds, NOW) as { failure: string }).failure, 'bad-signature');
    assert.equal((verifySigV4({ ...req, url: '/berth/agent/v1/logs?task=other', headers }, creds, NOW) as { failure: string }).failure, 'bad-signature');
  });

  test('matches the AWS test suite (get-vanilla)', () => {
    assert.equal(
      signature(vanilla, SECRET, vanillaScope, '20150830T123600Z', ['host', 'x-amz-date']),
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  test('parses the Authorization header and its credential scope', () => {
    const auth = parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=AKID/20261123/us-west-2/elasticloadbalancing/aws4_request, SignedHeaders=host;x-amz-date, Signature=ABCDEF',
    );
    assert.deepEqual(auth, {
      scope: { accessKeyId: 'AKID', date: '20261123', region: 'us-west-2', service: 'elasticloadbalancing' },
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abcdef',
    });
    assert.equal(parseAuthorization('Basic abc'), undefined);
    assert.equal(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/x/aws4_request, SignedHeaders=host, Signature=ab'), undefined);
    assert.equal(regionOf(signed('{}').headers), 'eu-west-1');
    assert.equal(regionOf({}), undefined);
  });

  test('accepts a correct signature and returns the scope', () => {
    const verdict = verifySigV4(signed('{}'), creds, NOW);
    assert.deepEqual(verdict, { ok: true, scope: { accessKeyId: 'AKID', date: '20261123', region: 'eu-west-1', service: 'ecs' } });
    assert.equal(verifySigV4(signed('', { url: '/?b=2&a=1%202' }), creds, NOW).ok, true);
  });

  test('rejects a wrong secret, an unknown key, a tampered body, a missing or malformed header', () => {
    const failure = (req: SignedRequest) => {
      const v = verifySigV4(req, creds, NOW);
      return v.ok ? 'ok' : v.failure;
    };
    assert.equal(failure(signed('{}', { secret: 'wrong' })), 'bad-signature');
    assert.equal(failure(signed('{}', { key: 'OTHER' })), 'unknown-key');
    const tampered = signed('{}');
    assert.equal(failure({ ...tampered, body: Buffer.from('{"x":1}') }), 'bad-signature');
    assert.equal(failure({ ...vanilla, headers: {} }), 'missing');
    assert.equal(failure({ ...vanilla, headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } }), 'malformed');
  });

  test('a signature scoped to another service is refused when the service is named', () => {
    const req = signed('{}');
    assert.equal(verifySigV4(req, creds, NOW, 'ecs').ok, true);
    assert.deepEqual(verifySigV4(req, creds, NOW, 's3'), {
      ok: false,
      failure: 'wrong-service',
      message: "Credential should be scoped to correct service: 's3'.",
    });
    assert.equal(verifySigV4(req, creds, NOW).ok, true, 'no service named: any scope');
  });

  test('a request dated more than 15 minutes away has expired', () => {
    const old = signed('{}', { amzDate: '20261123T182000Z' });
    const v = verifySigV4(old, creds, NOW);
    assert.equal(v.ok ? 'ok' : v.failure, 'expired');
    assert.equal(verifySigV4(signed('{}', { amzDate: '20261123T183000Z' }), creds, NOW).ok, true);
  });

  test('each protocol names the failures its own way', () => {
    assert.deepEqual([authError('json', 'unknown-key', 'm').code, authError('json', 'unknown-key', 'm').status], ['UnrecognizedClientException', 400]);
    assert.equal(authError('json', 'bad-signature', 'm').code, 'InvalidSignatureException');
    assert.equal(authError('json', 'missing', 'm').code, 'MissingAuthenticationTokenException');
    assert.equal(authError('query', 'unknown-key', 'm').code, 'InvalidClientTokenId');
    assert.equal(authError('query', 'bad-signature', 'm').code, 'SignatureDoesNotMatch');
    assert.equal(authError('query', 'missing', 'm').code, 'MissingAuthenticationToken');
    assert.equal(authError('ec2', 'bad-signature', 'm').status, 401);
  });
});
