import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { RoundRobinBalancer } from './round-robin.js';
import { group, target } from './balancer.conformance.js';
import { chooseTarget, chooseTargetGroup } from './stickiness.js';
import { decodeSticky, encodeSticky, readCookie, setsCookie, stickySetCookies } from './sticky-cookie.js';
import type { ForwardAction } from '../routing-table.js';

const secret = Buffer.from('0123456789abcdef');
const ctx = { now: 1_000_000, random: seededRandom(4) };
const sticky = { stickiness: { enabled: true, type: 'lb_cookie' as const, durationSeconds: 60 } };

test('sticky cookie round-trips and rejects forgery, other scopes and expiry', () => {
  const v = encodeSticky(secret, 'arn:tg/web', 'i-0abc:2', 2_000_000);
  assert.equal(decodeSticky(secret, 'arn:tg/web', v, 1_000_000), 'i-0abc:2');
  assert.equal(decodeSticky(secret, 'arn:tg/other', v, 1_000_000), undefined);
  assert.equal(decodeSticky(secret, 'arn:tg/web', v, 2_000_000), undefined);
  assert.equal(decodeSticky(Buffer.from('another-secret!!'), 'arn:tg/web', v, 1_000_000), undefined);
  const forged = Buffer.from('arn:tg/web\ni-0abc:1\n9999999999').toString('base64url') + v.slice(v.indexOf('.'));
  assert.equal(decodeSticky(secret, 'arn:tg/web', forged, 1_000_000), undefined);
  assert.equal(decodeSticky(secret, 'arn:tg/web', 'garbage', 1_000_000), undefined);
  assert.ok(!v.includes('i-0abc'), 'opaque');
});

test('readCookie finds a cookie among several headers', () => {
  assert.equal(readCookie(['Cookie', 'a=1; AWSALB=xyz; b=2'], 'AWSALB'), 'xyz');
  assert.equal(readCookie(['cookie', 'a=1', 'COOKIE', 'AWSALB=q'], 'AWSALB'), 'q');
  assert.equal(readCookie(['Cookie', 'AWSALBCORS=1'], 'AWSALB'), undefined);
});

test('Set-Cookie pair with Expires and the CORS twin', () => {
  const [plain, cors] = stickySetCookies('AWSALB', 'AWSALBCORS', 'v', Date.UTC(2030, 0, 1));
  assert.equal(plain, 'AWSALB=v; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Path=/');
  assert.equal(cors, 'AWSALBCORS=v; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Path=/; SameSite=None; Secure');
  assert.ok(setsCookie(['session=1; Path=/'], 'session'));
  assert.ok(!setsCookie(['sessionx=1'], 'session'));
});

test('lb_cookie: a valid cookie overrides the algorithm', () => {
  const g = group([target(1, 'healthy'), target(2, 'healthy'), target(3, 'healthy')], sticky);
  const cookie = encodeSticky(secret, g.arn, 'i-0abc:3', 2_000_000);
  const b = new RoundRobinBalancer();
  for (let i = 0; i < 5; i++) {
    const c = chooseTarget(b, g, ['Cookie', `AWSALB=${cookie}`], secret, ctx)!;
    assert.equal(c.target.port, 3);
    assert.equal(c.stuck, true);
  }
});

test('lb_cookie: a cookie naming an unhealthy or draining target is ignored', () => {
  for (const state of ['unhealthy', 'draining'] as const) {
    const g = group([target(1, 'healthy'), target(3, state)], sticky);
    const cookie = encodeSticky(secret, g.arn, 'i-0abc:3', 2_000_000);
    const c = chooseTarget(new RoundRobinBalancer(), g, ['Cookie', `AWSALB=${cookie}`], secret, ctx)!;
    assert.equal(c.target.port, 1);
    assert.equal(c.stuck, false);
  }
});

test('lb_cookie: the cookie is ignored when stickiness is off', () => {
  const g = group([target(1, 'healthy'), target(2, 'healthy')]);
  const cookie = encodeSticky(secret, g.arn, 'i-0abc:2', 2_000_000);
  const b = new RoundRobinBalancer();
  const ports = new Set([0, 1, 2, 3].map(() => chooseTarget(b, g, ['Cookie', `AWSALB=${cookie}`], secret, ctx)!.target.port));
  assert.deepEqual([...ports].sort(), [1, 2]);
});

test('app_cookie: AWSALBAPP-0 routes', () => {
  const g = group([target(1, 'healthy'), target(2, 'healthy')], {
    stickiness: { enabled: true, type: 'app_cookie', durationSeconds: 60, appCookieName: 'SESSION' },
  });
  const cookie = encodeSticky(secret, g.arn, 'i-0abc:2', 2_000_000);
  for (let i = 0; i < 4; i++) assert.equal(chooseTarget(new RoundRobinBalancer(), g, ['Cookie', `AWSALBAPP-0=${cookie}`], secret, ctx)!.target.port, 2);
});

const weighted: ForwardAction = {
  type: 'forward',
  targetGroups: [
    { targetGroupArn: 'blue', weight: 80 },
    { targetGroupArn: 'green', weight: 20 },
  ],
  stickiness: { enabled: true, durationSeconds: 60 },
};

test('weighted target groups: split by weight', () => {
  const random = seededRandom(9);
  let green = 0;
  for (let i = 0; i < 5000; i++) if (chooseTargetGroup(weighted, [], secret, { now: 0, random }).targetGroupArn === 'green') green++;
  assert.ok(green > 850 && green < 1150, `${green}`);
});

test('weighted target groups: AWSALBTG keeps the group; a zero-weight group is not kept', () => {
  const cookie = encodeSticky(secret, 'tg', 'green', 2_000_000);
  for (let i = 0; i < 20; i++) {
    const c = chooseTargetGroup(weighted, ['Cookie', `AWSALBTG=${cookie}`], secret, ctx);
    assert.deepEqual(c, { targetGroupArn: 'green', sticky: true });
  }
  const drained: ForwardAction = {
    ...weighted,
    targetGroups: [
      { targetGroupArn: 'blue', weight: 1 },
      { targetGroupArn: 'green', weight: 0 },
    ],
  };
  assert.equal(chooseTargetGroup(drained, ['Cookie', `AWSALBTG=${cookie}`], secret, ctx).targetGroupArn, 'blue');
});

test('single target group: no group stickiness', () => {
  assert.deepEqual(chooseTargetGroup({ type: 'forward', targetGroups: [{ targetGroupArn: 'a', weight: 1 }] }, [], secret, ctx), {
    targetGroupArn: 'a',
    sticky: false,
  });
});
