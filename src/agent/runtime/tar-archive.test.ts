import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarArchive } from './tar-archive.js';

test('GNU tar extracts what tarArchive writes: dirs, modes, files, symlinks, long paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  try {
    const long = `${'d'.repeat(80)}/${'e'.repeat(60)}/file.txt`;
    const tar = tarArchive([
      { type: 'dir', path: 'bin', mode: 0o755 },
      { type: 'file', path: 'bin/tool', mode: 0o750, data: Buffer.from('#!/bin/sh\necho hi\n') },
      { type: 'symlink', path: 'bin/alias', target: 'tool' },
      { type: 'file', path: 'empty', mode: 0o644, data: Buffer.alloc(0) },
      { type: 'dir', path: `${'d'.repeat(80)}/${'e'.repeat(60)}`, mode: 0o755 },
      { type: 'file', path: long, mode: 0o644, data: Buffer.alloc(1000, 0x61) },
    ]);
    assert.equal(tar.length % 512, 0);
    writeFileSync(join(dir, 'a.tar'), tar);
    execFileSync('tar', ['-xf', 'a.tar', '--no-same-owner'], { cwd: dir });
    assert.equal(readFileSync(join(dir, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(statSync(join(dir, 'bin/tool')).mode & 0o777, 0o750);
    assert.equal(readlinkSync(join(dir, 'bin/alias')), 'tool');
    assert.equal(statSync(join(dir, 'empty')).size, 0);
    assert.equal(readFileSync(join(dir, long), 'utf8'), 'a'.repeat(1000));
    // The listing agrees, and the archive is reproducible.
    const listing = execFileSync('tar', ['-tf', 'a.tar'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    assert.ok(listing.includes(long));
    assert.deepEqual(tarArchive([{ type: 'dir', path: 'x', mode: 0o755 }]), tarArchive([{ type: 'dir', path: 'x', mode: 0o755 }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
