/** Request members that name EC2 features Berth does not have: refused by name, never ignored. */
import { AwsError } from '../../domain/aws-error.js';

/** Throws UnsupportedOperation for the first member of `members` that the request sets. */
export function refuseMembers(input: Record<string, unknown>, members: readonly string[]): void {
  for (const m of members) {
    const v = input[m];
    if (v === undefined || v === false) continue;
    throw new AwsError('UnsupportedOperation', `${m} is not supported by Berth (no IPv6, IPAM, Outposts or encryption control in its VPCs)`);
  }
}
