import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { loadModel } from './model.js';
import { encodeEc2Response, encodeQueryResponse, escapeXml } from './xml-encoder.js';

const elbv2 = loadModel('elbv2');
const ec2 = loadModel('ec2');
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'member' || name === 'item' });
const query = (op: string, output: unknown) => encodeQueryResponse(elbv2, elbv2.operations.get(op)!, output, 'req-1');

describe('Query XML output (ELBv2)', () => {
  test('envelope, result wrapper, members as <member>, round-trips through a parser', () => {
    const xml = query('DescribeTargetHealth', {
      TargetHealthDescriptions: [
        { Target: { Id: 'i-1', Port: 32768 }, HealthCheckPort: '32768', TargetHealth: { State: 'healthy' } },
        {
          Target: { Id: 'i-1', Port: 32769 },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [502]' },
        },
      ],
      NotInModel: 'dropped',
    });
    assert.ok(xml.startsWith('<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult>'));
    assert.ok(!xml.includes('NotInModel'));
    const doc = parser.parse(xml).DescribeTargetHealthResponse;
    assert.equal(doc.ResponseMetadata.RequestId, 'req-1');
    const items = doc.DescribeTargetHealthResult.TargetHealthDescriptions.member;
    assert.equal(items.length, 2);
    assert.deepEqual(items[0], { Target: { Id: 'i-1', Port: '32768' }, HealthCheckPort: '32768', TargetHealth: { State: 'healthy' } });
    assert.equal(items[1].TargetHealth.Description, 'Health checks failed with these codes: [502]');
  });

  test('an empty list is <X/>; an empty result is <OpResult/>', () => {
    assert.ok(query('DescribeRules', { Rules: [] }).includes('<DescribeRulesResult><Rules/></DescribeRulesResult>'));
    assert.ok(query('RegisterTargets', {}).includes('<RegisterTargetsResult/><ResponseMetadata>'));
    assert.ok(query('RegisterTargets', undefined).includes('<RegisterTargetsResult/>'));
  });

  test('timestamps are ISO 8601 UTC with milliseconds; booleans and lists of strings', () => {
    const xml = query('DescribeLoadBalancers', {
      LoadBalancers: [{ LoadBalancerName: 'lb', CreatedTime: 1_458_941_172_920, SecurityGroups: ['sg-1', 'sg-2'] }],
    });
    assert.ok(xml.includes('<CreatedTime>2016-03-25T21:26:12.920Z</CreatedTime>'));
    const lb = parser.parse(xml).DescribeLoadBalancersResponse.DescribeLoadBalancersResult.LoadBalancers.member[0];
    assert.deepEqual(lb.SecurityGroups.member, ['sg-1', 'sg-2']);
    const tg = query('DescribeTargetGroups', { TargetGroups: [{ HealthCheckEnabled: true, Matcher: { HttpCode: '200' } }] });
    assert.ok(tg.includes('<HealthCheckEnabled>true</HealthCheckEnabled><Matcher><HttpCode>200</HttpCode></Matcher>'));
    const date = query('DescribeLoadBalancers', { LoadBalancers: [{ CreatedTime: new Date(0) }] });
    assert.ok(date.includes('<CreatedTime>1970-01-01T00:00:00.000Z</CreatedTime>'));
  });

  test('text is escaped and survives a round trip', () => {
    const nasty = `a<b>&"c'\r\nd`;
    assert.equal(escapeXml('plain'), 'plain');
    const xml = query('DescribeTargetHealth', { TargetHealthDescriptions: [{ TargetHealth: { Description: nasty } }] });
    assert.ok(!xml.includes('a<b>'));
    const back = new XMLParser({ processEntities: true, htmlEntities: true, parseTagValue: false, trimValues: false }).parse(xml);
    assert.equal(back.DescribeTargetHealthResponse.DescribeTargetHealthResult.TargetHealthDescriptions.member.TargetHealth.Description, nasty);
  });
});

describe('EC2 XML output', () => {
  test('requestId first, members by locationName, lists as <item>', () => {
    const xml = encodeEc2Response(
      ec2,
      ec2.operations.get('DescribeSecurityGroups')!,
      {
        SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'web', Description: 'd', IpPermissions: [], Tags: [{ Key: 'k', Value: 'v' }] }],
      },
      'req-2',
    );
    assert.ok(xml.startsWith('<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-2</requestId>'));
    const doc = parser.parse(xml).DescribeSecurityGroupsResponse;
    const sg = doc.securityGroupInfo.item[0];
    assert.equal(sg.groupId, 'sg-1');
    assert.equal(sg.groupDescription, 'd');
    assert.equal(sg.ipPermissions, '');
    assert.deepEqual(sg.tagSet.item, [{ key: 'k', value: 'v' }]);
  });
});
