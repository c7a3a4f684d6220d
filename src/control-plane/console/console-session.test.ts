import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { ConsoleSessions, cookieValue, SESSION_TTL_MS, sessionCookie } from './console-session.js';

const keys = new Map([['AKID', 'secret']]);

test('the API key pair signs in; a wrong secret or unknown key does not', () => {
  const s = new ConsoleSessions(keys, seededRandom(1));
  assert.equal(s.signIn('AKID', 'wrong', 0), undefined);
  assert.equal(s.signIn('NOPE', 'secret', 0), undefined);
  const token = s.signIn('AKID', 'secret', 0);
  assert.match(token ?? '', /^[0-9a-f]{64}$/);
  assert.equal(s.check(token, 1000), 'AKID');
  assert.equal(s.check('f'.repeat(64), 1000), undefined);
  assert.equal(s.check(undefined, 1000), undefined);
});

test('a session expires after its time to live and on sign-out', () => {
  const s = new ConsoleSessions(keys, seededRandom(2));
  const a = s.signIn('AKID', 'secret', 0)!;
  assert.equal(s.check(a, SESSION_TTL_MS - 1), 'AKID');
  assert.equal(s.check(a, SESSION_TTL_MS), undefined);
  const b = s.signIn('AKID', 'secret', 0)!;
  s.signOut(b);
  assert.equal(s.check(b, 1), undefined);
});

test('the cookie is HttpOnly and SameSite=Strict, and is read back from a Cookie header', () => {
  const c = sessionCookie('abc', false);
  assert.match(c, /HttpOnly/);
  assert.match(c, /SameSite=Strict/);
  assert.doesNotMatch(c, /Secure/);
  assert.equal(cookieValue('x=1; berth_session=abc; y=2', 'berth_session'), 'abc');
  assert.equal(cookieValue('x=1', 'berth_session'), undefined);
});
