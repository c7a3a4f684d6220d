/**
 * Evaluates every metric alarm on the leader, every `everyMs` (default 10 s: CloudWatch evaluates
 * each minute; Berth looks more often so a deployment's alarm rollback or a step-scaling alarm acts
 * within seconds of the minute that crossed). The decision is evaluateAlarm (pure); a record is
 * written only when the state changes, guarded by the revision it was decided on, so a quiet
 * cluster writes nothing.
 */
import { alarmConfig, type AlarmRecord } from '../../domain/cloudwatch/alarm.js';
import { evaluateAlarm, evaluationWindow } from '../../domain/cloudwatch/alarm-evaluation.js';
import { statisticOf } from '../../domain/cloudwatch/metric-series.js';
import { keys } from '../../domain/keys.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { periodicPass } from '../../platform/periodic-pass.js';
import { RevisionConflictError, type Store } from '../../store/store.js';
import { withState } from './alarms.js';
import { queryMetric } from './metric-query.js';
import type { MetricStore } from './metric-store.js';

export const ALARM_EVALUATION_MS = 10_000;

export interface AlarmEvaluator {
  /** One pass now (tests; the timer calls the same). Resolves with how many alarms changed state. */
  evaluate(): Promise<number>;
  stop(): void;
}

function configOf(a: AlarmRecord) {
  return alarmConfig({
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Period: a.periodSeconds,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
  });
}

export function startAlarmEvaluator(deps: { store: Store; metrics: MetricStore; clock: Clock; logger?: Logger; everyMs?: number }): AlarmEvaluator {
  const pass = async (): Promise<number> => {
    const now = deps.clock.now();
    let changed = 0;
    for (const rec of (await deps.store.list<AlarmRecord>(keys.alarms())).records) {
      const alarm = rec.value;
      const config = configOf(alarm);
      const { start, end } = evaluationWindow(config, now);
      const points = await queryMetric(
        deps.metrics,
        {
          metric: { namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions },
          start,
          // The running period too: evaluateAlarm counts it when it has already crossed for good.
          end: end + alarm.periodSeconds * 1000,
          periodSeconds: alarm.periodSeconds,
          ...(alarm.unit !== undefined ? { unit: alarm.unit } : {}),
        },
        now,
      );
      const verdict = evaluateAlarm(
        config,
        alarm.state,
        points.map((p) => ({ t: p.t, value: statisticOf(p.values, alarm.statistic) })),
        now,
      );
      if (verdict.state === alarm.state) continue;
      try {
        await deps.store.put(rec.key, withState(alarm, verdict.state, verdict.reason, verdict.reasonData, now), { expectedRevision: rec.modRevision });
        changed++;
        deps.logger?.info({ alarm: alarm.name, from: alarm.state, to: verdict.state }, verdict.reason);
      } catch (err) {
        // Changed under us (PutMetricAlarm, SetAlarmState): the next pass decides on the new record.
        if (!(err instanceof RevisionConflictError)) throw err;
      }
    }
    return changed;
  };
  const loop = periodicPass(pass, deps.everyMs ?? ALARM_EVALUATION_MS, (err) => deps.logger?.warn({ err }, 'alarm evaluation failed'));
  return { evaluate: loop.run, stop: loop.stop };
}
