/** What the auto scaler did (or was asked to do), as DescribeScalingActivities shows it, in AWS's words. */
export interface ScalingActivityRecord {
  readonly id: string;
  readonly region: string;
  readonly resourceId: string;
  readonly description: string;
  readonly cause: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly statusCode: 'Successful' | 'Failed';
  readonly statusMessage: string;
}

/** Activities kept per scalable target, newest first (AWS keeps six weeks). */
export const MAX_ACTIVITIES_PER_TARGET = 100;

export function desiredCountActivity(desired: number, cause: string): Pick<ScalingActivityRecord, 'description' | 'cause' | 'statusMessage'> {
  return {
    description: `Setting desired count to ${desired}.`,
    cause,
    statusMessage: `Successfully set desired count to ${desired}. Change successfully fulfilled by ecs.`,
  };
}
