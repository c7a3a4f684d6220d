import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoMs } from './access-log.js';

test('isoMs formats as toISOString does, across second boundaries and fractional clocks', () => {
  const start = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
  for (let ms = start; ms < start + 2_100; ms += 7.25) assert.equal(isoMs(ms), new Date(Math.floor(ms)).toISOString(), `at ${ms}`);
  assert.equal(isoMs(0), '1970-01-01T00:00:00.000Z');
});

test('quoted fields escape quotes and backslashes, and only those', async () => {
  const { formatAccessLogLine } = await import('./access-log.js');
  const line = formatAccessLogLine({
    type: 'http',
    sslCipher: '-',
    sslProtocol: '-',
    time: 0,
    elb: 'app/lb/1',
    client: '127.0.0.1:1',
    target: '127.0.0.1:2',
    requestProcessingTime: 0,
    targetProcessingTime: 0.001,
    responseProcessingTime: 0,
    elbStatusCode: 200,
    targetStatusCode: 200,
    receivedBytes: 1,
    sentBytes: 2,
    request: 'GET http://a/"x"\\y HTTP/1.1',
    userAgent: 'curl/8',
    targetGroupArn: undefined,
    traceId: 'Root=1-0-0',
    domainName: '-',
    chosenCertArn: '-',
    matchedRulePriority: '0',
    requestCreationTime: 0,
    actionsExecuted: 'forward',
    redirectUrl: '-',
    errorReason: '-',
  });
  assert.ok(line.includes(' "GET http://a/\\"x\\"\\\\y HTTP/1.1" "curl/8" '), line);
});
