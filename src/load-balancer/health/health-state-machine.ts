/**
 * Target health as ALB reports it, as a pure state machine: (record, event, settings) → record
 * plus a transition when the state or the reason changed, and only then.
 *
 * Thresholds: a newly registered target becomes healthy after passing ONE check (the ALB guide
 * says so, and it is what users see when a service starts); every later recovery from unhealthy
 * needs `healthyThreshold` consecutive passes. Going unhealthy always needs
 * `unhealthyThreshold` consecutive failures; a passive failure (the proxy saw the connection
 * refused or reset) counts as one failed check at once, between scheduled checks.
 */
import type { TargetHealthState } from '../../domain/elbv2/target.js';

export interface TargetHealthRecord {
  readonly state: TargetHealthState;
  readonly reason?: string;
  readonly description?: string;
  readonly consecutiveOk: number;
  readonly consecutiveFail: number;
  /** Epoch ms when it last became healthy (slow start reads it). */
  readonly healthySince?: number;
}

export type CheckOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'code'; readonly status: number }
  | { readonly ok: false; readonly kind: 'timeout' }
  | { readonly ok: false; readonly kind: 'error' };

export type HealthEvent =
  | { readonly type: 'checks-started' }
  | { readonly type: 'check'; readonly outcome: CheckOutcome; readonly now: number }
  | { readonly type: 'passive-failure'; readonly now: number }
  | { readonly type: 'deregistered' }
  | { readonly type: 'drained' }
  | { readonly type: 'checks-disabled' }
  | { readonly type: 'checks-enabled' };

export interface Thresholds {
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface HealthStep {
  readonly record: TargetHealthRecord;
  /** Present only when state, reason or description changed. */
  readonly transition?: { readonly from: TargetHealthRecord; readonly to: TargetHealthRecord };
}

export function registered(): TargetHealthRecord {
  return { state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress', consecutiveOk: 0, consecutiveFail: 0 };
}

function failureOf(outcome: CheckOutcome): { reason: string; description: string } {
  if (outcome.ok) throw new Error('not a failure');
  switch (outcome.kind) {
    case 'code':
      return { reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${outcome.status}]` };
    case 'timeout':
      return { reason: 'Target.Timeout', description: 'Request timed out' };
    case 'error':
      return { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' };
  }
}

function reduce(r: TargetHealthRecord, e: HealthEvent, t: Thresholds): TargetHealthRecord {
  // Draining and unused targets are no longer checked; only `drained` moves them on.
  if (r.state === 'draining')
    return e.type === 'drained'
      ? { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group', consecutiveOk: 0, consecutiveFail: 0 }
      : r;
  if (r.state === 'unused') return r;
  switch (e.type) {
    case 'deregistered':
      return {
        state: 'draining',
        reason: 'Target.DeregistrationInProgress',
        description: 'Target deregistration is in progress',
        consecutiveOk: 0,
        consecutiveFail: 0,
      };
    case 'drained':
      return r;
    case 'checks-disabled':
      return { state: 'unavailable', reason: 'Target.HealthCheckDisabled', description: 'Health checks are disabled', consecutiveOk: 0, consecutiveFail: 0 };
    case 'checks-enabled':
      return r.state === 'unavailable' ? { ...registered(), reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' } : r;
    case 'checks-started':
      return r.state === 'initial' ? { ...r, reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' } : r;
    case 'check':
    case 'passive-failure': {
      if (r.state === 'unavailable') return r;
      const outcome: CheckOutcome = e.type === 'check' ? e.outcome : { ok: false, kind: 'error' };
      if (outcome.ok) {
        const ok = r.consecutiveOk + 1;
        const needed = r.state === 'initial' ? 1 : t.healthyThreshold;
        if (r.state !== 'healthy' && ok >= needed) return { state: 'healthy', consecutiveOk: ok, consecutiveFail: 0, healthySince: e.now };
        return { ...r, consecutiveOk: ok, consecutiveFail: 0 };
      }
      const fail = r.consecutiveFail + 1;
      if (fail >= t.unhealthyThreshold || r.state === 'unhealthy') {
        const { reason, description } = failureOf(outcome);
        return { state: 'unhealthy', reason, description, consecutiveOk: 0, consecutiveFail: fail };
      }
      return { ...r, consecutiveOk: 0, consecutiveFail: fail };
    }
  }
}

export function step(record: TargetHealthRecord, event: HealthEvent, thresholds: Thresholds): HealthStep {
  const next = reduce(record, event, thresholds);
  const changed = next.state !== record.state || next.reason !== record.reason || next.description !== record.description;
  return changed ? { record: next, transition: { from: record, to: next } } : { record: next };
}
