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

/**
 * What the DAEMON scheduling strategy refuses, in ECS's words: a desired count (it is derived from the
 * instances), placement strategies (one task per instance leaves nothing to choose), and a maximumPercent
 * above 100 (a daemon's task is stopped before its replacement starts).
 */
export function validateDaemonInput(given: {
  desiredCount?: number | undefined;
  placementStrategy?: readonly unknown[] | undefined;
  deploymentConfiguration?: Partial<DeploymentConfiguration> | undefined;
}): void {
  if (given.desiredCount !== undefined) {
    throw invalid('The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again');
  }
  if (given.placementStrategy !== undefined && given.placementStrategy.length > 0) {
    throw invalid('The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try again');
  }
  const max = given.deploymentConfiguration?.maximumPercent;
  if (max !== undefined && max > 100) {
    throw invalid(
      'The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again',
    );
  }
}

/** ECS's defaults for a daemon service: maximumPercent 100, minimumHealthyPercent 0. */
export const DAEMON_DEPLOYMENT_DEFAULTS = { maximumPercent: 100, minimumHealthyPercent: 0 } as const;
