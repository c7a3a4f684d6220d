import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBanner } from './banner.js';

const base = { apiUrl: 'http://127.0.0.1:4566', withAgent: true, runtime: 'docker', dataDir: './.berth', stopTasksOnExit: false };

test('the banner names the API, the console and the demo, the AWS CLI with --endpoint-url, and what happens to tasks', () => {
  const text = renderBanner({ ...base, demo: { listenerUrl: 'http://127.0.0.1:8080/', serviceName: 'demo-web' } });
  assert.match(text, /^Berth is up \(runtime docker, data dir \.\/\.berth\)\./);
  assert.match(text, /API: +http:\/\/127\.0\.0\.1:4566\n/);
  assert.match(text, /Console: +http:\/\/127\.0\.0\.1:4566\/\n/);
  assert.match(text, /Demo: +http:\/\/127\.0\.0\.1:8080\/ /);
  // Never a bare `aws`: Debian's CLI 2.9 would send it to real AWS.
  for (const line of text.split('\n').filter((l) => /\baws /.test(l))) assert.match(line, /aws --endpoint-url http:\/\/127\.0\.0\.1:4566 /);
  assert.match(text, /Tasks keep running after Berth stops/);
  assert.match(renderBanner({ ...base, stopTasksOnExit: true }), /Ctrl-C stops Berth and the tasks it runs/);
  for (const line of text.split('\n')) assert.ok(line.length < 160, line);
});

test('berth server says how agents join, and has no demo', () => {
  const text = renderBanner({ ...base, withAgent: false, runtime: undefined });
  assert.match(text, /^Berth is up \(data dir/);
  assert.match(text, /berth agent --server http:\/\/127\.0\.0\.1:4566 --advertise-ip/);
  assert.doesNotMatch(text, /Demo:/);
});
