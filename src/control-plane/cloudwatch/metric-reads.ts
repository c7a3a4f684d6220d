/**
 * GetMetricStatistics, GetMetricData and ListMetrics over the metric store. GetMetricData takes
 * MetricStat queries (math expressions are refused, naming the query), returns newest first unless
 * `ScanBy` says otherwise, and pages by `MaxDatapoints`; ListMetrics pages by 500 as CloudWatch does.
 */
import { AwsError } from '../../domain/aws-error.js';
import { matchesDimensionFilters, STATISTICS, statisticOf, type Statistic } from '../../domain/cloudwatch/metric-series.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { DatapointOut, MetricDataResultOut } from '../api/wire-types/cloudwatch.js';
import { checkDatapointLimit, checkRange, queryMetric } from './metric-query.js';
import type { MetricStore } from './metric-store.js';

const LIST_PAGE = 500;
const RECENTLY_ACTIVE_MS = 3 * 3600_000;
const DEFAULT_MAX_DATAPOINTS = 100_800;

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);

function isStatistic(s: string): s is Statistic {
  return (STATISTICS as readonly string[]).includes(s);
}

function token(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function offsetOf(nextToken: string | undefined): number {
  if (nextToken === undefined) return 0;
  try {
    const v: unknown = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && 'offset' in v && typeof v.offset === 'number' && Number.isInteger(v.offset) && v.offset >= 0) return v.offset;
  } catch {}
  throw new AwsError('InvalidNextToken', 'The value for NextToken is not valid.');
}

export function metricReadHandlers(metrics: MetricStore): Handlers<'cloudwatch'> {
  return {
    async GetMetricStatistics(input, ctx): Reply<'cloudwatch', 'GetMetricStatistics'> {
      const statistics = input.Statistics ?? [];
      if (statistics.length === 0) {
        throw new AwsError(
          'MissingParameter',
          'The parameter Statistics is required (Berth keeps no percentiles, so ExtendedStatistics alone cannot be answered).',
        );
      }
      checkRange(input.StartTime, input.EndTime, input.Period, ctx.now);
      checkDatapointLimit(input.StartTime, input.EndTime, input.Period);
      const points = await queryMetric(
        metrics,
        {
          metric: { namespace: input.Namespace, name: input.MetricName, dimensions: input.Dimensions ?? [] },
          start: input.StartTime,
          end: input.EndTime,
          periodSeconds: input.Period,
          ...(input.Unit !== undefined ? { unit: input.Unit } : {}),
        },
        ctx.now,
      );
      const Datapoints: DatapointOut[] = points.map((p) => {
        const d: Record<string, number | Date | string> = { Timestamp: new Date(p.t), Unit: p.unit };
        for (const s of statistics) d[s] = statisticOf(p.values, s);
        return d;
      });
      return { Label: input.MetricName, Datapoints };
    },

    async GetMetricData(input, ctx): Reply<'cloudwatch', 'GetMetricData'> {
      const ids = new Set<string>();
      for (const [i, q] of input.MetricDataQueries.entries()) {
        if (ids.has(q.Id)) throw invalid(`The value ${q.Id} for parameter MetricDataQueries.member.${i + 1}.Id is not unique.`);
        ids.add(q.Id);
        if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) {
          throw invalid(
            `The value ${q.Id} for parameter MetricDataQueries.member.${i + 1}.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
          );
        }
        if (q.Expression !== undefined) {
          throw invalid(
            `MetricDataQueries.member.${i + 1}.Expression: Berth does not evaluate metric math or Metrics Insights queries yet; ask for a MetricStat.`,
          );
        }
        if (q.MetricStat === undefined) throw new AwsError('MissingParameter', `The parameter MetricDataQueries.member.${i + 1}.MetricStat is required.`);
        if (q.AccountId !== undefined && q.AccountId !== ctx.accountId) {
          throw invalid(`MetricDataQueries.member.${i + 1}.AccountId: Berth has one account, ${ctx.accountId}.`);
        }
        if (!isStatistic(q.MetricStat.Stat)) {
          throw invalid(
            `The value ${q.MetricStat.Stat} for parameter MetricDataQueries.member.${i + 1}.MetricStat.Stat is invalid: Berth answers ${STATISTICS.join(', ')} (no percentiles yet).`,
          );
        }
        checkRange(input.StartTime, input.EndTime, q.MetricStat.Period, ctx.now, `MetricDataQueries.member.${i + 1}.MetricStat.Period`);
      }
      const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
      const results: { id: string; label: string; points: { t: number; v: number }[] }[] = [];
      for (const q of input.MetricDataQueries) {
        const stat = q.MetricStat!;
        const points = await queryMetric(
          metrics,
          {
            metric: { namespace: stat.Metric.Namespace ?? '', name: stat.Metric.MetricName ?? '', dimensions: stat.Metric.Dimensions ?? [] },
            start: input.StartTime,
            end: input.EndTime,
            periodSeconds: stat.Period,
            ...(stat.Unit !== undefined ? { unit: stat.Unit } : {}),
          },
          ctx.now,
        );
        if (q.ReturnData === false) continue;
        const values = points.map((p) => ({ t: p.t, v: statisticOf(p.values, stat.Stat as Statistic) }));
        if (descending) values.reverse();
        results.push({ id: q.Id, label: q.Label ?? stat.Metric.MetricName ?? q.Id, points: values });
      }
      // Paging: MaxDatapoints counts across every query, in query order.
      const max = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
      let skip = offsetOf(input.NextToken);
      let room = max;
      let consumed = skip;
      let more = false;
      const MetricDataResults: MetricDataResultOut[] = [];
      for (const r of results) {
        const from = Math.min(skip, r.points.length);
        skip -= from;
        const page = r.points.slice(from, from + room);
        room -= page.length;
        consumed += page.length;
        if (from + page.length < r.points.length) more = true;
        MetricDataResults.push({
          Id: r.id,
          Label: r.label,
          Timestamps: page.map((p) => new Date(p.t)),
          Values: page.map((p) => p.v),
          StatusCode: more ? 'PartialData' : 'Complete',
        });
      }
      return { MetricDataResults, Messages: [], ...(more ? { NextToken: token(consumed) } : {}) };
    },

    async ListMetrics(input, ctx): Reply<'cloudwatch', 'ListMetrics'> {
      if (input.OwningAccount !== undefined && input.OwningAccount !== ctx.accountId) return { Metrics: [] };
      const recent = input.RecentlyActive === 'PT3H' ? ctx.now - RECENTLY_ACTIVE_MS : undefined;
      const seen = new Set<string>();
      const all = (await metrics.listSeries(input.Namespace))
        .filter((s) => input.MetricName === undefined || s.metric.name === input.MetricName)
        .filter((s) => matchesDimensionFilters(s.metric, input.Dimensions ?? []))
        .filter((s) => recent === undefined || s.lastSeen >= recent)
        .map((s) => ({ Namespace: s.metric.namespace, MetricName: s.metric.name, Dimensions: s.metric.dimensions }))
        // One entry per metric, whatever units it was recorded in.
        .filter((m) => {
          const k = JSON.stringify(m);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        })
        .sort((a, b) => (a.Namespace + a.MetricName + JSON.stringify(a.Dimensions)).localeCompare(b.Namespace + b.MetricName + JSON.stringify(b.Dimensions)));
      const offset = offsetOf(input.NextToken);
      const page = all.slice(offset, offset + LIST_PAGE);
      return {
        Metrics: page,
        ...(input.IncludeLinkedAccounts ? { OwningAccounts: page.map(() => ctx.accountId) } : {}),
        ...(offset + LIST_PAGE < all.length ? { NextToken: token(offset + LIST_PAGE) } : {}),
      };
    },
  };
}
