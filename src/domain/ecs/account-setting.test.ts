import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSetting, principalProblem, rootArnOf, settingProblem, type AccountSetting } from './account-setting.js';

const ACCOUNT = '000000000000';
const ROOT = rootArnOf(ACCOUNT);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/r`;

test("the effective setting: the principal's own, else the root user's, else ECS's default", () => {
  const stored: AccountSetting[] = [
    { name: 'awsvpcTrunking', value: 'enabled', principalArn: ROOT, type: 'user' },
    { name: 'containerInsights', value: 'enhanced', principalArn: ROLE, type: 'user' },
  ];
  assert.equal(effectiveSetting('containerInsights', ROLE, ACCOUNT, stored).value, 'enhanced');
  assert.equal(effectiveSetting('awsvpcTrunking', ROLE, ACCOUNT, stored).value, 'enabled');
  assert.equal(effectiveSetting('containerInsights', ROOT, ACCOUNT, stored).value, 'disabled');
  assert.equal(effectiveSetting('guardDutyActivate', ROOT, ACCOUNT, []).type, 'aws_managed');
});

test('what is refused, and why', () => {
  assert.equal(settingProblem('awsvpcTrunking', 'enabled', ROOT, ACCOUNT), undefined);
  assert.match(settingProblem('awsvpcTrunking', 'on', ROOT, ACCOUNT)!, /Valid values are enabled, disabled/);
  assert.match(settingProblem('serviceLongArnFormat', 'disabled', ROOT, ACCOUNT)!, /long ARN format only/);
  assert.match(settingProblem('guardDutyActivate', 'on', ROOT, ACCOUNT)!, /read-only/);
  assert.match(settingProblem('fargateTaskRetirementWaitPeriod', '14', ROLE, ACCOUNT)!, /root user/);
  assert.equal(settingProblem('fargateTaskRetirementWaitPeriod', '14', ROOT, ACCOUNT), undefined);
  assert.equal(principalProblem(ROLE, ACCOUNT), undefined);
  assert.match(principalProblem('arn:aws:iam::111111111111:user/u', ACCOUNT)!, /not in account/);
  assert.match(principalProblem('arn:aws:s3:::bucket', ACCOUNT)!, /not the ARN of an IAM user/);
});
