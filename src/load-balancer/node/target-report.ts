/**
 * What the node writes back on a target record, decided purely: a health transition or the moment
 * a draining target had nothing in flight. Each returns the new record, or undefined to write
 * nothing, so the store sees a write only when something a reader can observe changes.
 */
import type { TargetHealthState, TargetRecord, TargetState } from '../../domain/elbv2/target.js';

export interface HealthReport {
  readonly state: TargetHealthState;
  readonly reason?: string;
  readonly description?: string;
}

/** The states a health check decides; draining and unused are the control plane's. */
type CheckedState = Exclude<TargetState, 'draining'>;
const checked: ReadonlySet<TargetHealthState> = new Set<CheckedState>(['initial', 'healthy', 'unhealthy', 'unavailable']);
const isChecked = (s: TargetHealthState): s is CheckedState => checked.has(s);

export function afterHealthReport(current: TargetRecord | undefined, report: HealthReport): TargetRecord | undefined {
  // Deregistration is the control plane's decision; the checker never brings a target back.
  if (!current || current.state === 'draining' || !isChecked(report.state)) return undefined;
  // A restarted node starts every target at initial; that must not demote what the store knows.
  if (report.state === 'initial' && current.state !== 'initial') return undefined;
  if (current.state === report.state && current.reason === report.reason && current.description === report.description) return undefined;
  const { reason: _r, description: _d, ...rest } = current;
  return {
    ...rest,
    state: report.state,
    ...(report.reason !== undefined ? { reason: report.reason } : {}),
    ...(report.description !== undefined ? { description: report.description } : {}),
  };
}

/** drainedAt is written once, and only for a registration that is still draining. */
export function afterDrained(current: TargetRecord | undefined, at: number): TargetRecord | undefined {
  if (!current || current.state !== 'draining' || current.drainedAt !== undefined) return undefined;
  return { ...current, drainedAt: at };
}
