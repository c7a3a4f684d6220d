/**
 * CreateService/UpdateService checks the model cannot express: the tasks-per-service quota and the
 * ranges ECS gives desired counts, grace periods and deployment percentages. Pure; AwsError out.
 */
import { AwsError } from '../aws-error.js';
import type { DeploymentConfiguration } from './records.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/** ECS's own words when desiredCount is over the tasks-per-service quota. */
export function validateDesiredCount(desiredCount: number | undefined, tasksPerService: number): void {
  if (desiredCount === undefined) return;
  if (!Number.isInteger(desiredCount) || desiredCount < 0) throw invalid('Desired count must be greater than or equal to 0.');
  if (desiredCount > tasksPerService) throw invalid('Desired count exceeds limit.');
}

export function validateGracePeriod(seconds: number | undefined): void {
  if (seconds === undefined) return;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 2147483647) {
    throw invalid('healthCheckGracePeriodSeconds must be between 0 and 2147483647.');
  }
}

export function validateDeploymentConfiguration(given: Partial<DeploymentConfiguration> | undefined): void {
  if (!given) return;
  const { minimumHealthyPercent: min, maximumPercent: max } = given;
  if (min !== undefined && (!Number.isInteger(min) || min < 0 || min > 100)) {
    throw invalid('deploymentConfiguration.minimumHealthyPercent must be between 0 and 100.');
  }
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
    throw invalid('deploymentConfiguration.maximumPercent must be greater than or equal to 0.');
  }
}
