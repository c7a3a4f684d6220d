/**
 * DescribeInstances: the hosts Berth runs tasks on, from the ECS container-instance records of this
 * region. The EC2 instance id is the container instance's ec2InstanceId, its private IP the address the
 * agent advertises; a host whose agent is connected is `running`, any other `stopped`.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { availabilityZones } from '../../domain/ec2/availability-zone.js';
import { defaultSubnetRecords } from '../../domain/ec2/subnet.js';
import { defaultVpcRecord, type Ec2Scope } from '../../domain/ec2/vpc.js';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from '../elbv2/deps.js';
import { listAll } from '../elbv2/transact.js';
import { applyFilters } from './filters.js';
import { checkDryRun, ec2Page } from './request.js';

const RUNNING = { Code: 16, Name: 'running' };
const STOPPED = { Code: 80, Name: 'stopped' };

const attribute = (ci: ContainerInstanceRecord, name: string) => ci.attributes.find((a) => a.name === name)?.value;

/** One record per host: a host registered in several clusters (or re-registered) shows its live record. */
function hostsOf(records: readonly ContainerInstanceRecord[]): ContainerInstanceRecord[] {
  const rank = (ci: ContainerInstanceRecord) => (ci.agentConnected && ci.status !== 'INACTIVE' ? 1 : 0);
  const byId = new Map<string, ContainerInstanceRecord>();
  for (const ci of records) {
    const seen = byId.get(ci.ec2InstanceId);
    if (!seen || rank(ci) > rank(seen) || (rank(ci) === rank(seen) && ci.registeredAt > seen.registeredAt)) byId.set(ci.ec2InstanceId, ci);
  }
  return [...byId.values()].sort((a, b) => a.registeredAt - b.registeredAt || a.ec2InstanceId.localeCompare(b.ec2InstanceId));
}

export function instanceView(ci: ContainerInstanceRecord, scope: Ec2Scope) {
  const zones = availabilityZones(scope.region);
  const zone = zones.find((z) => z.ZoneName === attribute(ci, 'ecs.availability-zone')) ?? zones[0]!;
  // Hosts sit in the default VPC; the subnet of their zone when the default VPC has one there.
  const subnets = defaultSubnetRecords(scope);
  const subnet = subnets.find((s) => s.AvailabilityZone === zone.ZoneName) ?? subnets[0]!;
  const ip = ci.advertiseAddress ?? '127.0.0.1';
  const running = ci.agentConnected && ci.status !== 'INACTIVE';
  return {
    InstanceId: ci.ec2InstanceId,
    State: running ? RUNNING : STOPPED,
    PrivateIpAddress: ip,
    PrivateDnsName: '',
    PublicDnsName: '',
    LaunchTime: ci.registeredAt,
    Architecture: attribute(ci, 'ecs.cpu-architecture') === 'arm64' ? 'arm64' : 'x86_64',
    Placement: { AvailabilityZone: subnet.AvailabilityZone, AvailabilityZoneId: zone.ZoneId, Tenancy: 'default' },
    VpcId: defaultVpcRecord(scope).VpcId,
    SubnetId: subnet.SubnetId,
    AmiLaunchIndex: 0,
    Monitoring: { State: 'disabled' },
    SecurityGroups: [],
    Tags: [{ Key: 'ecs:cluster', Value: ci.clusterName }],
  };
}

const reservationId = (instanceId: string) => `r-${createHash('sha256').update(`reservation/${instanceId}`).digest('hex').slice(0, 17)}`;

export function instanceHandlers(deps: Elbv2Deps): Handlers<'ec2'> {
  const { store } = deps;
  return {
    async DescribeInstances(input, ctx): Reply<'ec2', 'DescribeInstances'> {
      checkDryRun(input);
      if (input.InstanceIds?.length && input.MaxResults !== undefined) {
        throw new AwsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
      }
      for (const id of input.InstanceIds ?? []) {
        if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
      }
      const prefix = `arn:aws:ecs:${ctx.region}:${ctx.accountId}:`;
      const records = (await listAll<ContainerInstanceRecord>(store, keys.containerInstances()))
        .map((r) => r.value)
        .filter((ci) => ci.containerInstanceArn.startsWith(prefix));
      const views = hostsOf(records).map((ci) => instanceView(ci, ctx));
      const missing = (input.InstanceIds ?? []).filter((id: string) => !views.some((v) => v.InstanceId === id));
      if (missing.length > 0) {
        throw new AwsError(
          'InvalidInstanceID.NotFound',
          `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' ${missing.length > 1 ? 'do' : 'does'} not exist`,
        );
      }
      const ids = input.InstanceIds;
      const asked = ids?.length ? views.filter((v) => ids.includes(v.InstanceId)) : views;
      const out = applyFilters(asked, input.Filters, {
        'instance-id': (v) => [v.InstanceId],
        'instance-state-name': (v) => [v.State.Name],
        'instance-state-code': (v) => [String(v.State.Code)],
        'private-ip-address': (v) => [v.PrivateIpAddress],
        'availability-zone': (v) => [v.Placement.AvailabilityZone],
        'vpc-id': (v) => [v.VpcId],
        'subnet-id': (v) => [v.SubnetId],
        architecture: (v) => [v.Architecture],
      });
      const p = ec2Page(out, input);
      return {
        Reservations: p.items.map((i) => ({ ReservationId: reservationId(i.InstanceId), OwnerId: ctx.accountId, Groups: [], Instances: [i] })),
        NextToken: p.NextToken,
      };
    },
  };
}
