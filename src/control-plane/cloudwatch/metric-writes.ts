/**
 * PutMetricData: custom metrics (any namespace but AWS/'s, which CloudWatch keeps for its services),
 * with single values, value/count arrays or statistic sets. CloudWatch takes data up to two weeks old
 * and two hours ahead; Berth keeps a day of 1-minute data, so it refuses what it could not answer.
 */
import { AwsError } from '../../domain/aws-error.js';
import { merge, single, type MetricSample, type StatisticSet } from '../../domain/cloudwatch/metric-series.js';
import { PROMISED_MS } from '../../domain/cloudwatch/retention.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { MetricDatum } from '../api/wire-types/cloudwatch.js';
import type { MetricStore } from './metric-store.js';

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);
const AHEAD_MS = 2 * 3600_000;

function valuesOf(d: MetricDatum, at: string): StatisticSet {
  const given = [d.Value !== undefined, d.StatisticValues !== undefined, (d.Values?.length ?? 0) > 0].filter(Boolean).length;
  if (given !== 1) {
    throw new AwsError(
      'InvalidParameterCombination',
      `The parameters ${at}.Value, ${at}.StatisticValues and ${at}.Values are mutually exclusive, and one of them is required.`,
    );
  }
  if (d.Value !== undefined) return single(d.Value);
  if (d.StatisticValues !== undefined) {
    const s = d.StatisticValues;
    if (s.SampleCount <= 0 || s.Minimum > s.Maximum)
      throw invalid(`The parameter ${at}.StatisticValues must have a positive SampleCount and Minimum <= Maximum.`);
    return { sampleCount: s.SampleCount, sum: s.Sum, minimum: s.Minimum, maximum: s.Maximum };
  }
  const values = d.Values ?? [];
  const counts = d.Counts ?? values.map(() => 1);
  if (counts.length !== values.length) throw invalid(`The parameters ${at}.Values and ${at}.Counts must be the same length.`);
  let set: StatisticSet | undefined;
  values.forEach((v, i) => {
    const n = counts[i] ?? 1;
    const one = { sampleCount: n, sum: v * n, minimum: v, maximum: v };
    set = set ? merge(set, one) : one;
  });
  return set!;
}

export function metricWriteHandlers(metrics: MetricStore): Handlers<'cloudwatch'> {
  return {
    async PutMetricData(input, ctx): Reply<'cloudwatch', 'PutMetricData'> {
      if (input.Namespace.startsWith('AWS/')) {
        throw invalid(`The value ${input.Namespace} for parameter Namespace is invalid: the AWS/ namespaces are reserved for the services' own metrics.`);
      }
      const data = input.MetricData ?? [];
      if (data.length === 0) throw new AwsError('MissingParameter', 'The parameter MetricData is required.');
      const samples: MetricSample[] = data.map((d, i) => {
        const at = `MetricData.member.${i + 1}`;
        const timestamp = d.Timestamp ?? ctx.now;
        if (timestamp < ctx.now - PROMISED_MS[60] || timestamp > ctx.now + AHEAD_MS) {
          throw invalid(`The parameter ${at}.Timestamp must be within the last 24 hours (Berth keeps a day of 1-minute data) and at most 2 hours ahead.`);
        }
        return {
          metric: { namespace: input.Namespace, name: d.MetricName, dimensions: d.Dimensions ?? [] },
          unit: d.Unit ?? 'None',
          timestamp,
          values: valuesOf(d, at),
        };
      });
      await metrics.record(samples);
      return {};
    },
  };
}
