import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeRefusal, hostName, hostRefusal, originRefusal } from './front-door-guard.js';

test('host names are read from Host headers with ports and IPv6 brackets', () => {
  assert.equal(hostName('127.0.0.1:4566'), '127.0.0.1');
  assert.equal(hostName('[::1]:4566'), '::1');
  assert.equal(hostName('LocalHost'), 'localhost');
});

test('under --auth none only loopback names and the configured host pass', () => {
  for (const ok of ['127.0.0.1:4566', '127.0.0.2', 'localhost:80', '[::1]:4566']) assert.equal(hostRefusal(ok, []), undefined, ok);
  for (const bad of ['evil.example:4566', '127.0.0.1.evil.example', '10.0.0.1:4566', 'localhost.evil.example', '']) {
    assert.match(hostRefusal(bad, [])!, /Host header/, bad);
  }
  assert.match(hostRefusal(undefined, [])!, /Host header is missing/);
  assert.equal(hostRefusal('berth.internal:4566', ['berth.internal']), undefined);
});

test("an Origin must be the server's own", () => {
  assert.equal(originRefusal(undefined, '127.0.0.1:4566'), undefined);
  assert.equal(originRefusal('http://127.0.0.1:4566', '127.0.0.1:4566'), undefined);
  assert.equal(originRefusal('https://localhost', 'localhost:443'), undefined);
  for (const bad of ['http://127.0.0.1:4567', 'http://evil.example', 'null', 'file://', 'chrome-extension://abc']) {
    assert.match(originRefusal(bad, '127.0.0.1:4566')!, /Origin header/, bad);
  }
});

test("POST / takes the AWS protocols' content types only", () => {
  const json = { jsonVersion: '1.1' };
  assert.equal(contentTypeRefusal('application/x-amz-json-1.1', json), undefined);
  assert.equal(contentTypeRefusal('application/x-www-form-urlencoded; charset=utf-8', undefined), undefined); // botocore
  assert.equal(contentTypeRefusal('application/x-www-form-urlencoded', undefined), undefined); // JS SDK v3
  assert.equal(contentTypeRefusal('Application/X-WWW-Form-Urlencoded; Charset=UTF-8', undefined), undefined);
  assert.match(contentTypeRefusal('text/plain', undefined)!, /Content-Type header is "text\/plain"; this protocol takes application\/x-www-form-urlencoded/);
  assert.match(contentTypeRefusal(undefined, undefined)!, /missing/);
  assert.match(contentTypeRefusal('multipart/form-data; boundary=x', undefined)!, /Content-Type/);
  assert.match(contentTypeRefusal('application/x-www-form-urlencoded; charset=iso-8859-1', undefined)!, /UTF-8/);
  assert.match(contentTypeRefusal('application/json', json)!, /application\/x-amz-json-1\.1/);
  assert.match(contentTypeRefusal('text/plain', json)!, /Content-Type/);
});
