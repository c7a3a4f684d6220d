import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileUnder, staticFile } from './static-files.js';

function site(): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Berth</title>');
  writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'berth-outside.txt'), 'secret');
  return root;
}

test('paths that climb out of the root are refused', () => {
  assert.equal(fileUnder('/srv/web', '/../etc/passwd'), '/srv/web/etc/passwd');
  assert.equal(fileUnder('/srv/web', '/%2e%2e/%2e%2e/etc/passwd'), '/srv/web/etc/passwd');
  assert.equal(fileUnder('/srv/web', '/a%00b'), undefined);
  assert.equal(fileUnder('/srv/web', '/%E0%A4%A'), undefined);
});

test('files are served with their type; hashed assets are immutable', async () => {
  const root = site();
  const js = await staticFile(root, '/assets/app-1a2b.js');
  assert.equal(js?.contentType, 'text/javascript; charset=utf-8');
  assert.match(js!.cacheControl, /immutable/);
  assert.equal(js!.body.toString(), 'console.log(1)');
  const index = await staticFile(root, '/');
  assert.match(index!.body.toString(), /<title>Berth/);
  assert.equal(index!.cacheControl, 'no-cache');
});

test('client routes fall back to index.html; missing assets and files do not', async () => {
  const root = site();
  assert.match((await staticFile(root, '/target-groups/abc?tab=targets'))!.body.toString(), /Berth/);
  assert.equal(await staticFile(root, '/assets/missing.js'), undefined);
  assert.equal(await staticFile(root, '/favicon.ico'), undefined);
  assert.equal(await staticFile(root, '/../berth-outside.txt').then((f) => f?.body.toString()), undefined);
});
