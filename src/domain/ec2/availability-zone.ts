/**
 * The Availability Zones Berth offers in every region: `<region>a`, `b` and `c`, with zone ids in
 * AWS's form (`use1-az1`). Berth runs on the hosts it has, so a zone is a name subnets and load
 * balancers carry, not a failure domain.
 */
export interface AvailabilityZone {
  ZoneName: string;
  ZoneId: string;
  RegionName: string;
}

export const ZONE_LETTERS = ['a', 'b', 'c'] as const;

const WORDS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2`: the prefix of AWS's zone ids. */
export function regionShortName(region: string): string {
  const [country = '', direction = '', number = ''] = region.split('-');
  return `${country}${WORDS[direction] ?? direction.slice(0, 1)}${number}`;
}

export function availabilityZones(region: string): AvailabilityZone[] {
  return ZONE_LETTERS.map((letter, i) => ({
    ZoneName: `${region}${letter}`,
    ZoneId: `${regionShortName(region)}-az${i + 1}`,
    RegionName: region,
  }));
}
