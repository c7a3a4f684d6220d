/** Name rules shared by load balancers and target groups (AWS: ≤32 characters, alphanumerics and hyphens). */
import { AwsError } from '../aws-error.js';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

function check(name: string, what: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 32) {
    throw new AwsError('ValidationError', `${what} name '${name}' must be between 1 and 32 characters long`);
  }
  if (!NAME.test(name)) {
    throw new AwsError('ValidationError', `${what} name '${name}' can contain only alphanumeric characters and hyphens, and cannot begin or end with a hyphen`);
  }
}

export function validateLoadBalancerName(name: string): void {
  check(name, 'Load balancer');
  // The DNS name of an internal LB starts with `internal-`, so a name that does would be ambiguous.
  if (name.toLowerCase().startsWith('internal-')) {
    throw new AwsError('ValidationError', `Load balancer name '${name}' cannot begin with 'internal-'`);
  }
}

export function validateTargetGroupName(name: string): void {
  check(name, 'Target group');
}
