/** DescribeAvailabilityZones and DescribeAccountAttributes: what a client asks before it builds a network. */
import { AwsError } from '../../domain/aws-error.js';
import { availabilityZones } from '../../domain/ec2/availability-zone.js';
import { defaultVpcRecord } from '../../domain/ec2/vpc.js';
import type { Handlers, Reply } from '../api/operation.js';
import { applyFilters } from './filters.js';
import { checkDryRun } from './request.js';

export function availabilityZoneHandlers(): Handlers<'ec2'> {
  return {
    async DescribeAvailabilityZones(input, ctx): Reply<'ec2', 'DescribeAvailabilityZones'> {
      checkDryRun(input);
      const zones = availabilityZones(ctx.region).map((z) => ({
        ...z,
        State: 'available',
        OptInStatus: 'opt-in-not-required',
        Messages: [],
        GroupName: ctx.region,
        NetworkBorderGroup: ctx.region,
        ZoneType: 'availability-zone',
      }));
      // AllAvailabilityZones adds Local and Wavelength Zones; Berth has none, so the answer is the same.
      for (const name of [...(input.ZoneNames ?? []), ...(input.ZoneIds ?? [])]) {
        if (!zones.some((z) => z.ZoneName === name || z.ZoneId === name)) {
          throw new AwsError('InvalidParameterValue', `Invalid availability zone: [${name}]`);
        }
      }
      const asked = zones.filter(
        (z) => (!input.ZoneNames?.length || input.ZoneNames.includes(z.ZoneName)) && (!input.ZoneIds?.length || input.ZoneIds.includes(z.ZoneId)),
      );
      const out = applyFilters(asked, input.Filters, {
        'zone-name': (z) => [z.ZoneName],
        'zone-id': (z) => [z.ZoneId],
        'region-name': (z) => [z.RegionName],
        state: (z) => [z.State],
        'opt-in-status': (z) => [z.OptInStatus],
        'group-name': (z) => [z.GroupName],
        'network-border-group': (z) => [z.NetworkBorderGroup],
        'zone-type': (z) => [z.ZoneType],
      });
      return { AvailabilityZones: out };
    },

    async DescribeAccountAttributes(input, ctx): Reply<'ec2', 'DescribeAccountAttributes'> {
      checkDryRun(input);
      const all = [
        { AttributeName: 'supported-platforms', AttributeValues: [{ AttributeValue: 'VPC' }] },
        { AttributeName: 'default-vpc', AttributeValues: [{ AttributeValue: defaultVpcRecord(ctx).VpcId }] },
      ];
      const names: string[] | undefined = input.AttributeNames?.length ? input.AttributeNames : undefined;
      return { AccountAttributes: names ? all.filter((a) => names.includes(a.AttributeName)) : all };
    },
  };
}
