/** PutAccountSetting(Default), ListAccountSettings, DeleteAccountSetting through @aws-sdk/client-ecs, with bad input. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import { rejectsWith, startEcsSdkServer, type EcsSdkServer } from '../support/ecs-sdk-server.js';

const ROOT = 'arn:aws:iam::000000000000:root';
const ROLE = 'arn:aws:iam::000000000000:role/deployer';

describe('ECS account settings through the AWS SDK v3', () => {
  let server: EcsSdkServer;
  let client: ecs.ECSClient;
  before(async () => {
    server = await startEcsSdkServer();
    client = server.client();
  });
  after(() => server?.close());

  test('put, list (own and effective), delete; per principal, per region', async () => {
    const put = await client.send(new ecs.PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
    assert.deepEqual(put.setting, { name: 'awsvpcTrunking', value: 'enabled', principalArn: ROOT, type: 'user' });
    const role = await client.send(new ecs.PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'disabled', principalArn: ROLE }));
    assert.equal(role.setting?.principalArn, ROLE);
    const def = await client.send(new ecs.PutAccountSettingDefaultCommand({ name: 'tagResourceAuthorization', value: 'off' }));
    assert.deepEqual(def.setting, { name: 'tagResourceAuthorization', value: 'off', principalArn: ROOT, type: 'user' });

    const own = await client.send(new ecs.ListAccountSettingsCommand({}));
    assert.deepEqual(
      own.settings?.map((s) => [s.name, s.value]),
      [
        ['awsvpcTrunking', 'enabled'],
        ['tagResourceAuthorization', 'off'],
      ],
    );
    // The role's own setting wins; what it does not set comes from the root user (the default), then ECS's default.
    const eff = await client.send(new ecs.ListAccountSettingsCommand({ principalArn: ROLE, effectiveSettings: true, maxResults: 10 }));
    const byName = Object.fromEntries(eff.settings!.map((s) => [s.name, s.value]));
    assert.equal(byName.awsvpcTrunking, 'disabled');
    assert.equal(byName.tagResourceAuthorization, 'off');
    assert.equal(byName.serviceLongArnFormat, 'enabled');
    assert.equal(byName.containerInsights, 'disabled');
    assert.equal(eff.settings?.find((s) => s.name === 'guardDutyActivate')?.type, 'aws_managed');
    const filtered = await client.send(new ecs.ListAccountSettingsCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
    assert.deepEqual(
      filtered.settings?.map((s) => s.principalArn),
      [ROOT],
    );

    // Paged by maxResults (1-10) and nextToken.
    const names: string[] = [];
    for await (const p of ecs.paginateListAccountSettings({ client, pageSize: 4 }, { effectiveSettings: true })) names.push(...p.settings!.map((s) => s.name!));
    assert.equal(names.length, 11);
    assert.deepEqual(names, [...names].sort());

    // Another region has its own settings.
    const west = server.client('eu-west-1');
    assert.deepEqual((await west.send(new ecs.ListAccountSettingsCommand({}))).settings, []);

    const del = await client.send(new ecs.DeleteAccountSettingCommand({ name: 'awsvpcTrunking', principalArn: ROLE }));
    assert.deepEqual([del.setting?.name, del.setting?.value, del.setting?.principalArn], ['awsvpcTrunking', 'disabled', ROLE]);
    const after = await client.send(new ecs.ListAccountSettingsCommand({ name: 'awsvpcTrunking', principalArn: ROLE, effectiveSettings: true }));
    assert.equal(after.settings?.[0]?.value, 'enabled', "back to the root user's setting");
    assert.deepEqual((await client.send(new ecs.ListAccountSettingsCommand({ principalArn: ROLE }))).settings, []);
  });

  test('containerInsights is what a new cluster takes when it sets none', async () => {
    await client.send(new ecs.PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enhanced' }));
    const c = await client.send(new ecs.CreateClusterCommand({ clusterName: 'insightful' }));
    assert.deepEqual(c.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
    const own = await client.send(new ecs.CreateClusterCommand({ clusterName: 'own', settings: [{ name: 'containerInsights', value: 'disabled' }] }));
    assert.deepEqual(own.cluster?.settings, [{ name: 'containerInsights', value: 'disabled' }]);
    await client.send(new ecs.DeleteAccountSettingCommand({ name: 'containerInsights' }));
    const later = await client.send(new ecs.CreateClusterCommand({ clusterName: 'later' }));
    assert.deepEqual(later.cluster?.settings, [{ name: 'containerInsights', value: 'disabled' }]);
  });

  test('bad input is refused with the field named', async () => {
    await rejectsWith(
      client.send(new ecs.PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'maybe' })),
      ecs.InvalidParameterException,
      /value maybe .*awsvpcTrunking.*enabled, disabled/,
    );
    await rejectsWith(
      client.send(new ecs.PutAccountSettingCommand({ name: 'nope' as ecs.SettingName, value: 'enabled' })),
      ecs.InvalidParameterException,
      /name/,
    );
    await rejectsWith(
      client.send(new ecs.PutAccountSettingCommand({ name: 'taskLongArnFormat', value: 'disabled' })),
      ecs.InvalidParameterException,
      /taskLongArnFormat cannot be disabled/,
    );
    await rejectsWith(client.send(new ecs.PutAccountSettingCommand({ name: 'guardDutyActivate', value: 'on' })), ecs.InvalidParameterException, /read-only/);
    await rejectsWith(
      client.send(new ecs.PutAccountSettingCommand({ name: 'fargateTaskRetirementWaitPeriod', value: '7', principalArn: ROLE })),
      ecs.InvalidParameterException,
      /root user/,
    );
    await rejectsWith(
      client.send(new ecs.PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled', principalArn: 'arn:aws:iam::111111111111:root' })),
      ecs.InvalidParameterException,
      /principalArn .* not in account/,
    );
    await rejectsWith(
      client.send(new ecs.PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled', principalArn: 'me' })),
      ecs.InvalidParameterException,
      /principalArn me/,
    );
    await rejectsWith(client.send(new ecs.ListAccountSettingsCommand({ value: 'enabled' })), ecs.InvalidParameterException, /value/);
    await rejectsWith(client.send(new ecs.ListAccountSettingsCommand({ maxResults: 11 })), ecs.InvalidParameterException, /maxResults/);
    await rejectsWith(client.send(new ecs.ListAccountSettingsCommand({ nextToken: '!!' })), ecs.InvalidParameterException, /token/i);
    await rejectsWith(
      client.send(new ecs.PutAccountSettingDefaultCommand({ name: 'defaultLogDriverMode', value: 'enabled' })),
      ecs.InvalidParameterException,
      /blocking, non-blocking/,
    );
  });
});
