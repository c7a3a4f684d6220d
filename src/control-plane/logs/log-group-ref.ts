/** The log group a request names: `logGroupName`, or `logGroupIdentifier` (a name or an ARN), not both. */
import { AwsError } from '../../domain/aws-error.js';

export function groupOf(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw new AwsError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (id === undefined) throw new AwsError('InvalidParameterException', 'Should provide either name or ARN of the log group.');
  return id.startsWith('arn:') ? id.replace(/^arn:aws:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '') : id;
}
