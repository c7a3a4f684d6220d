/**
 * The one error a request's constraint violations become, in the words of the service that was
 * asked: Coral's `N validation errors detected: ...` inside ECS's modeled InvalidParameterException
 * (and the other JSON services'), ELBv2's ValidationError, EC2's MissingParameter /
 * InvalidParameterValue, and CloudWatch's Query codes
 * (MissingParameter, InvalidParameterValue) whichever of its three protocols was spoken.
 */
import { AwsError } from '../../domain/aws-error.js';
import { coralMessage, wirePath, type Violation } from './constraints.js';
import type { ServiceModel } from './model.js';

export function validationFailure(model: ServiceModel, violations: readonly Violation[]): AwsError {
  if (model.service === 'cloudwatch') return cloudWatchFailure(violations);
  if (model.service === 'ec2') return ec2Failure(violations);
  if (model.service === 'applicationautoscaling') return new AwsError('ValidationException', coralMessage(violations));
  return new AwsError(model.metadata.protocol === 'json' ? 'InvalidParameterException' : 'ValidationError', coralMessage(violations));
}

function ec2Failure(violations: readonly Violation[]): AwsError {
  const absent = violations.find((v) => v.kind === 'required');
  if (absent) return new AwsError('MissingParameter', `The request must contain the parameter ${wirePath(absent.path)}`);
  const v = violations[0]!;
  return new AwsError('InvalidParameterValue', `Value (${String(v.value)}) for parameter ${wirePath(v.path)} is invalid. ${v.constraint}`);
}

function cloudWatchFailure(violations: readonly Violation[]): AwsError {
  const absent = violations.find((v) => v.kind === 'required');
  if (absent) return new AwsError('MissingParameter', `The parameter ${wirePath(absent.path)} is required.`);
  return new AwsError('InvalidParameterValue', coralMessage(violations));
}
