/**
 * The unmodified AWS CLI v2 against a real `berth up`: a VPC with two subnets carries a load balancer,
 * the local agent's host shows in describe-instances, the account attributes name the default VPC.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';

describe('AWS CLI v2: EC2 networks against berth up', { skip: requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  const { aws, awsFails } = awsCli(() => berth.apiUrl);

  before(async () => {
    berth = await startBerthProcess();
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('create-vpc, create-subnet, a load balancer on them, and the deletes in order', async () => {
    const vpc = (await aws('ec2', 'create-vpc', '--cidr-block', '10.7.0.0/16', '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=cli}]')).Vpc
      .VpcId;
    const a = (await aws('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.7.1.0/24', '--availability-zone', 'us-east-1a')).Subnet.SubnetId;
    const b = (await aws('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.7.2.0/24', '--availability-zone', 'us-east-1b')).Subnet.SubnetId;
    const lb = (await aws('elbv2', 'create-load-balancer', '--name', 'cli-vpc', '--scheme', 'internal', '--subnets', a, b)).LoadBalancers[0];
    assert.equal(lb.VpcId, vpc);
    assert.match(await awsFails('ec2', 'delete-subnet', '--subnet-id', a), /DependencyViolation/);
    await aws('elbv2', 'delete-load-balancer', '--load-balancer-arn', lb.LoadBalancerArn);
    await aws('ec2', 'delete-subnet', '--subnet-id', a);
    await aws('ec2', 'delete-subnet', '--subnet-id', b);
    await aws('ec2', 'delete-vpc', '--vpc-id', vpc);
    assert.match(await awsFails('ec2', 'describe-vpcs', '--vpc-ids', vpc), /InvalidVpcID\.NotFound/);
  });

  test("describe-instances shows the local agent's host; the account's default VPC", async () => {
    const cis = await aws('ecs', 'list-container-instances', '--cluster', 'default');
    const ci = (await aws('ecs', 'describe-container-instances', '--cluster', 'default', '--container-instances', cis.containerInstanceArns[0]))
      .containerInstances[0];
    const instances = (await aws('ec2', 'describe-instances', '--instance-ids', ci.ec2InstanceId)).Reservations.flatMap(
      (r: { Instances: unknown[] }) => r.Instances,
    );
    assert.equal(instances.length, 1);
    assert.equal(instances[0].State.Name, 'running');
    assert.equal(instances[0].PrivateIpAddress, '127.0.0.1');
    const attrs = await aws('ec2', 'describe-account-attributes', '--attribute-names', 'default-vpc');
    const defaultVpc = (await aws('ec2', 'describe-vpcs', '--filters', 'Name=is-default,Values=true')).Vpcs[0].VpcId;
    assert.equal(attrs.AccountAttributes[0].AttributeValues[0].AttributeValue, defaultVpc);
  });
});
