/**
 * One evaluation of a metric alarm, as CloudWatch documents it: the last `EvaluationPeriods` complete
 * periods are looked at; the alarm goes to ALARM when at least `DatapointsToAlarm` of them breach,
 * (plus the period still running, when it has already crossed in a way the rest of the period cannot
 * undo: see `earlyBreach`; CloudWatch waits for the period to end, Berth does not, so a deployment's
 * alarm rolls back within seconds, docs/differences.md),
 * to OK when the rest can no longer make it breach, and missing periods count as TreatMissingData says
 * (`missing`: an alarm with no data in any period goes to INSUFFICIENT_DATA, otherwise missing
 * periods are left out; `ignore`: the state stays). Pure: the datapoints, the alarm and `now` in,
 * the next state and its reason (in CloudWatch's words) out.
 */
import { breaches, COMPARISON_WORDS, type AlarmConfig, type AlarmState } from './alarm.js';

export interface PeriodValue {
  /** Epoch ms of the period's start. */
  readonly t: number;
  readonly value: number;
}

export interface AlarmVerdict {
  readonly state: AlarmState;
  readonly reason: string;
  readonly reasonData: string;
}

/** The window the evaluation looks at: the last complete periods before `now`. */
export function evaluationWindow(config: AlarmConfig, now: number): { start: number; end: number } {
  const size = config.periodSeconds * 1000;
  const end = Math.floor(now / size) * size;
  return { start: end - config.evaluationPeriods * size, end };
}

function formatDate(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * Whether a running period's value can only move further past the threshold before it ends: a
 * Maximum above (or a Minimum below) stays so, and so do a SampleCount or an AWS/ namespace's Sum above
 * (Berth's own counts never go down). Other statistics wait for the period to end, as in CloudWatch.
 */
export function earlyBreach(config: AlarmConfig, value: number): boolean {
  const above = config.comparison === 'GreaterThanThreshold' || config.comparison === 'GreaterThanOrEqualToThreshold';
  const rises = config.statistic === 'Maximum' || config.statistic === 'SampleCount' || (config.statistic === 'Sum' && config.namespace.startsWith('AWS/'));
  const falls = config.statistic === 'Minimum';
  return ((above && rises) || (!above && falls)) && breaches(value, config.comparison, config.threshold);
}

export function evaluateAlarm(config: AlarmConfig, current: AlarmState, points: readonly PeriodValue[], now: number): AlarmVerdict {
  const window = evaluationWindow(config, now);
  const size = config.periodSeconds * 1000;
  // A running period that has already breached for good joins the window, pushing out its oldest period.
  const running = points.find((p) => p.t === window.end);
  const early = running !== undefined && earlyBreach(config, running.value);
  const { start, end } = early ? { start: window.start + size, end: window.end + size } : window;
  const inWindow = points.filter((p) => p.t >= start && p.t < end).sort((a, b) => b.t - a.t);
  const missingCount = config.evaluationPeriods - inWindow.length;
  const breaching = inWindow.filter((p) => breaches(p.value, config.comparison, config.threshold)).length;
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(now).toISOString(),
    startDate: new Date(start).toISOString(),
    statistic: config.statistic,
    period: config.periodSeconds,
    recentDatapoints: inWindow.map((p) => p.value),
    threshold: config.threshold,
    evaluatedDatapoints: inWindow.map((p) => ({ timestamp: new Date(p.t).toISOString(), value: p.value })),
  });
  if (inWindow.length === 0) {
    switch (config.treatMissingData) {
      case 'ignore':
        return {
          state: current,
          reason: `No datapoints in the last ${config.evaluationPeriods} periods; the state is kept (TreatMissingData ignore).`,
          reasonData,
        };
      case 'breaching':
        break; // every period counts as breaching, below
      case 'notBreaching':
        return {
          state: 'OK',
          reason: `Threshold Crossed: no datapoints were received for ${config.evaluationPeriods} periods and ${config.evaluationPeriods} missing datapoints were treated as [NonBreaching].`,
          reasonData,
        };
      case 'missing':
        return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${config.evaluationPeriods} datapoints were unknown.`, reasonData };
    }
  }
  const missingBreach = config.treatMissingData === 'breaching' ? missingCount : 0;
  const bad = breaching + missingBreach;
  const shown = inWindow
    .slice(0, 5)
    .map((p) => `${formatValue(p.value)} (${formatDate(p.t)})`)
    .join(', ');
  const considered = config.treatMissingData === 'missing' || config.treatMissingData === 'ignore' ? inWindow.length : config.evaluationPeriods;
  const words = COMPARISON_WORDS[config.comparison];
  if (bad >= config.datapointsToAlarm) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${bad} out of the last ${considered} datapoints [${shown}] ${bad === 1 ? 'was' : 'were'} ${words} the threshold (${formatValue(config.threshold)}) (minimum ${config.datapointsToAlarm} datapoint${config.datapointsToAlarm === 1 ? '' : 's'} for OK -> ALARM transition).`,
      reasonData,
    };
  }
  // Could the periods still unknown make it breach? Only with `missing`/`ignore`, where they are left out.
  const unknown = config.treatMissingData === 'missing' || config.treatMissingData === 'ignore' ? missingCount : 0;
  if (bad + unknown >= config.datapointsToAlarm && config.treatMissingData === 'ignore') {
    return { state: current, reason: `Not enough datapoints to decide; the state is kept (TreatMissingData ignore).`, reasonData };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${considered - bad} out of the last ${considered} datapoints [${shown}] ${considered - bad === 1 ? 'was' : 'were'} not ${words} the threshold (${formatValue(config.threshold)}) (minimum ${config.evaluationPeriods - config.datapointsToAlarm + 1} datapoint${config.evaluationPeriods - config.datapointsToAlarm + 1 === 1 ? '' : 's'} for ALARM -> OK transition).`,
    reasonData,
  };
}
