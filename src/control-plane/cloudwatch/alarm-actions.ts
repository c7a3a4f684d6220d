/**
 * Alarm actions: what PutMetricAlarm takes in AlarmActions, OKActions and InsufficientDataActions, and
 * what an alarm in a state asks for. Berth has Application Auto Scaling and nothing else an alarm
 * can call (no SNS, EC2 actions, Systems Manager, Lambda), so an action is the ARN of a scaling
 * policy in the alarm's region; any other ARN is refused with ValidationError naming the field,
 * rather than accepted and never called. The auto scaler does the invoking (step-invocations.ts),
 * reading the alarm's datapoints from here.
 */
import { AwsError } from '../../domain/aws-error.js';
import type { AlarmRecord, AlarmState } from '../../domain/cloudwatch/alarm.js';
import { earlyBreach, evaluationWindow } from '../../domain/cloudwatch/alarm-evaluation.js';
import { statisticOf } from '../../domain/cloudwatch/metric-series.js';
import { queryMetric } from './metric-query.js';
import type { MetricStore } from './metric-store.js';

/** CloudWatch's limit on each action list. */
export const MAX_ACTIONS = 5;

const POLICY_ARN =
  /^arn:aws:autoscaling:([a-z0-9-]+):(\d{12}):scalingPolicy:[0-9a-fA-F-]{36}:resource\/ecs\/service\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+:policyName\/.+$/;

export interface ActionLists {
  readonly AlarmActions?: readonly string[];
  readonly OKActions?: readonly string[];
  readonly InsufficientDataActions?: readonly string[];
}

/** PutMetricAlarm's checks on the three action lists. */
export function checkAlarmActions(input: ActionLists, region: string): void {
  for (const field of ['AlarmActions', 'OKActions', 'InsufficientDataActions'] as const) {
    const arns = input[field] ?? [];
    if (arns.length > MAX_ACTIONS)
      throw new AwsError('ValidationError', `The parameter ${field} may hold at most ${MAX_ACTIONS} actions; it has ${arns.length}.`);
    for (const arn of arns) {
      const m = POLICY_ARN.exec(arn);
      if (!m) {
        throw new AwsError(
          'ValidationError',
          `Invalid ${field} action ${arn}: Berth's alarms invoke Application Auto Scaling policies of ECS services only (arn:aws:autoscaling:...:scalingPolicy:...); there is no SNS, EC2 action, Systems Manager or Lambda to call.`,
        );
      }
      if (m[1] !== region) throw new AwsError('ValidationError', `Invalid ${field} action ${arn}: the scaling policy must be in the alarm's region ${region}.`);
    }
  }
}

/** The actions an alarm in `state` asks for (none while ActionsEnabled is false). */
export function actionsFor(alarm: AlarmRecord, state: AlarmState = alarm.state): readonly string[] {
  if (!alarm.actionsEnabled) return [];
  return state === 'ALARM' ? alarm.alarmActions : state === 'OK' ? alarm.okActions : alarm.insufficientDataActions;
}

/**
 * The alarm's statistic over the window it is evaluated on (its complete periods before `now`, the
 * running one in place of the oldest when it has already crossed for good, as evaluateAlarm counts
 * it), newest first; when that window has no data, the datapoints the evaluator last recorded.
 */
export async function alarmDatapoints(metrics: MetricStore, alarm: AlarmRecord, now: number): Promise<number[]> {
  const { start, end } = evaluationWindow(alarm, now);
  const size = alarm.periodSeconds * 1000;
  const points = (
    await queryMetric(
      metrics,
      {
        metric: { namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions },
        start,
        end: end + size,
        periodSeconds: alarm.periodSeconds,
        ...(alarm.unit !== undefined ? { unit: alarm.unit } : {}),
      },
      now,
    )
  ).map((p) => ({ t: p.t, value: statisticOf(p.values, alarm.statistic) }));
  const running = points.find((p) => p.t === end);
  const from = running !== undefined && earlyBreach(alarm, running.value) ? start + size : start;
  const to = from === start ? end : end + size;
  const values = points
    .filter((p) => p.t >= from && p.t < to)
    .sort((a, b) => b.t - a.t)
    .map((p) => p.value);
  return values.length > 0 ? values : recordedDatapoints(alarm);
}

function recordedDatapoints(alarm: AlarmRecord): number[] {
  if (alarm.stateReasonData === undefined) return [];
  try {
    const data: unknown = JSON.parse(alarm.stateReasonData);
    const recent = typeof data === 'object' && data !== null && 'recentDatapoints' in data ? data.recentDatapoints : undefined;
    return Array.isArray(recent) ? recent.filter((v): v is number => typeof v === 'number') : [];
  } catch {
    return [];
  }
}
