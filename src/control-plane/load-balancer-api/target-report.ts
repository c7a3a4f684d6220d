/**
 * What a node's report makes of a target record, decided purely: that node's verdict recorded on the
 * record, and the record's state the merge of every fresh node's verdict (target-health-merge.ts);
 * or the moment a draining target had nothing in flight. Each returns the new record, or undefined
 * to write nothing, so the store sees a write only when something a reader can observe changes.
 */
import type { NodeTargetHealth, TargetHealthState, TargetRecord } from '../../domain/elbv2/target.js';
import type { HealthReport } from '../../protocols/load-balancer/index.js';
import { mergeTargetHealth } from './target-health-merge.js';

/** The states a health check decides; draining and unused are the control plane's. */
type CheckedState = 'initial' | NodeTargetHealth['state'];
const checked: ReadonlySet<TargetHealthState> = new Set<CheckedState>(['initial', 'healthy', 'unhealthy', 'unavailable']);
const isChecked = (s: TargetHealthState): s is CheckedState => checked.has(s);

export interface Reporter {
  readonly nodeId: string;
  readonly now: number;
  /** Whether another node is fresh (seen lately); the reporting node always is. */
  readonly isFresh: (nodeId: string) => boolean;
}

const sameWords = (a: { state: string; reason?: string; description?: string }, b: typeof a): boolean =>
  a.state === b.state && a.reason === b.reason && a.description === b.description;

export function afterHealthReport(current: TargetRecord | undefined, report: HealthReport, from: Reporter): TargetRecord | undefined {
  // Deregistration is the control plane's decision; the checker never brings a target back.
  if (!current || current.state === 'draining' || !isChecked(report.state)) return undefined;
  const verdicts: Record<string, NodeTargetHealth> = { ...(current.nodeHealth ?? {}) };
  const previous = verdicts[from.nodeId];
  if (report.state === 'initial') {
    // A restarted node checks from scratch: until it has a verdict it has none (and demotes nothing).
    delete verdicts[from.nodeId];
  } else if (!previous || !sameWords(previous, report)) {
    verdicts[from.nodeId] = {
      state: report.state,
      ...(report.reason !== undefined ? { reason: report.reason } : {}),
      ...(report.description !== undefined ? { description: report.description } : {}),
      at: from.now,
    };
  }
  const merged = mergeTargetHealth(verdicts, (id) => id === from.nodeId || from.isFresh(id));
  // No verdict anywhere: only a target still initial takes the checker's words (checking in progress).
  const shown = merged ?? (current.state === 'initial' && report.state === 'initial' ? { ...report, state: 'initial' as const } : current);
  const { reason: _r, description: _d, nodeHealth: _n, ...rest } = current;
  const next: TargetRecord = {
    ...rest,
    state: shown.state,
    ...(shown.reason !== undefined ? { reason: shown.reason } : {}),
    ...(shown.description !== undefined ? { description: shown.description } : {}),
    ...(Object.keys(verdicts).length > 0 ? { nodeHealth: verdicts } : {}),
  };
  const sameVerdicts = JSON.stringify(current.nodeHealth ?? {}) === JSON.stringify(verdicts);
  return sameVerdicts && sameWords(current, next) ? undefined : next;
}

/** drainedAt is written once, and only for a registration that is still draining. */
export function afterDrained(current: TargetRecord | undefined, at: number): TargetRecord | undefined {
  if (!current || current.state !== 'draining' || current.drainedAt !== undefined) return undefined;
  return { ...current, drainedAt: at };
}
