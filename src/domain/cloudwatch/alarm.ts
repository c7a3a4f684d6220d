/**
 * A CloudWatch metric alarm as Berth stores it (`/berth/cloudwatch/alarms/<region>/<name>`): its
 * configuration, as PutMetricAlarm gave it, and its state, which the evaluator (alarm-evaluation.ts)
 * and SetAlarmState move. PutMetricAlarm's checks live here, in CloudWatch's codes and words.
 */
import { AwsError } from '../aws-error.js';
import type { Dimension, Statistic } from './metric-series.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type ComparisonOperator = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export const COMPARISONS: readonly ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];

export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export const TREAT_MISSING: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];

export interface AlarmRecord {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly description?: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly unit?: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  /** Epoch ms. */
  readonly configurationUpdatedAt: number;
  readonly state: AlarmState;
  readonly stateReason: string;
  readonly stateReasonData?: string;
  readonly stateUpdatedAt: number;
  readonly stateTransitionedAt: number;
}

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);
const missing = (name: string) => new AwsError('MissingParameter', `The parameter ${name} is required.`);

export interface AlarmConfigInput {
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Statistic?: Statistic;
  readonly ExtendedStatistic?: string;
  readonly Period?: number;
  readonly EvaluationPeriods?: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold?: number;
  readonly ComparisonOperator?: string;
  readonly TreatMissingData?: string;
}

export interface AlarmConfig {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
}

/** PutMetricAlarm's checks on a single-metric alarm (metric math and anomaly bands are refused before this, by the field table). */
export function alarmConfig(input: AlarmConfigInput): AlarmConfig {
  if (input.MetricName === undefined) throw missing('MetricName');
  if (input.Namespace === undefined) throw missing('Namespace');
  if (input.Statistic === undefined) {
    throw input.ExtendedStatistic !== undefined
      ? invalid(`The parameter ExtendedStatistic (${input.ExtendedStatistic}) cannot be evaluated: Berth keeps no percentiles; use Statistic.`)
      : missing('Statistic');
  }
  if (input.Period === undefined) throw missing('Period');
  if (input.Period < 60 || input.Period % 60 !== 0) {
    throw invalid(
      `The parameter Period must be a multiple of 60: Berth keeps 1-minute data (no high-resolution alarms), so ${input.Period} seconds cannot be evaluated.`,
    );
  }
  if (input.EvaluationPeriods === undefined) throw missing('EvaluationPeriods');
  if (input.Threshold === undefined) throw missing('Threshold');
  if (input.ComparisonOperator === undefined) throw missing('ComparisonOperator');
  const comparison = COMPARISONS.find((c) => c === input.ComparisonOperator);
  if (comparison === undefined) {
    throw invalid(
      `The value ${input.ComparisonOperator} for parameter ComparisonOperator needs an anomaly detection band, which Berth does not have; use ${COMPARISONS.join(', ')}.`,
    );
  }
  const datapointsToAlarm = input.DatapointsToAlarm ?? input.EvaluationPeriods;
  if (datapointsToAlarm > input.EvaluationPeriods) {
    throw invalid(`DatapointsToAlarm (${datapointsToAlarm}) must be less than or equal to EvaluationPeriods (${input.EvaluationPeriods}).`);
  }
  if (input.Period * input.EvaluationPeriods > 86_400) {
    throw invalid('The evaluation interval (Period times EvaluationPeriods) must be at most one day for a 60-second or longer period.');
  }
  const treat = input.TreatMissingData ?? 'missing';
  const treatMissingData = TREAT_MISSING.find((t) => t === treat);
  if (treatMissingData === undefined) throw invalid(`The value ${treat} for parameter TreatMissingData is invalid: it is one of ${TREAT_MISSING.join(', ')}.`);
  return {
    namespace: input.Namespace,
    metricName: input.MetricName,
    statistic: input.Statistic,
    periodSeconds: input.Period,
    evaluationPeriods: input.EvaluationPeriods,
    datapointsToAlarm,
    threshold: input.Threshold,
    comparison,
    treatMissingData,
  };
}

export function breaches(value: number, comparison: ComparisonOperator, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

export const COMPARISON_WORDS: Readonly<Record<ComparisonOperator, string>> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};
