/**
 * The feasibility filters, in one list (after Nomad's `scheduler/feasible/`: each checker records why
 * it rejected a node at the point where it decides). A filter answers PASS or the reason, in ECS's
 * words, that this instance cannot take this task. The list's order is the pipeline's: the later an
 * instance is rejected, the closer it came (`closeness`), and the closest is what the service event names.
 *
 * `stage` says when a filter's answer can change: `request` filters read only the snapshot, so they
 * run once per request; `task` filters read the working copy, which every pick changes, so they run
 * again for every task. `applies` drops a filter that cannot reject anything for a request (no static
 * ports, no distinctInstance), so the per-task loop stays a few typed-array reads with no allocation.
 * The checks are plain functions of (candidate, index, working copy, request), never closures made
 * per request.
 */
import type { Reservation } from '../../domain/ecs/records.js';
import type { PlacementCandidate } from './candidate.js';
import type { PlacementConstraint } from './constraint.js';
import { Rejection, type RejectionReason } from './rejection.js';
import type { WorkingSet } from './working-set.js';

export const PASS = undefined;

type MemberOf = Extract<PlacementConstraint, { type: 'memberOf' }>;

/** What the filters need of a request, derived once from it (`filterRequest`). */
export interface FilterRequest {
  readonly reservation: Reservation;
  readonly requiredAttributes: readonly string[];
  /** The memberOf constraints (task definition's and service's together). */
  readonly memberOf: readonly MemberOf[];
  readonly distinctInstance: boolean;
  /** The task names one static host port twice, so it clashes with itself on every instance. */
  readonly selfClash: boolean;
}

/** PASS, or why instance `i` (`c`) cannot take the task given the working copy `ws`. */
export type Check = (c: PlacementCandidate, i: number, ws: WorkingSet, q: FilterRequest) => RejectionReason | undefined;

export interface Filter {
  readonly reason: RejectionReason;
  readonly stage: 'request' | 'task';
  /** Whether the filter can reject anything for this request. */
  readonly applies: (q: FilterRequest) => boolean;
  readonly check: Check;
}

export function filterRequest(
  reservation: Reservation,
  constraints: readonly PlacementConstraint[] = [],
  requiredAttributes: readonly string[] = [],
): FilterRequest {
  return {
    reservation,
    requiredAttributes,
    memberOf: constraints.filter((k): k is MemberOf => k.type === 'memberOf'),
    distinctInstance: constraints.some((k) => k.type === 'distinctInstance'),
    selfClash: new Set(reservation.ports).size !== reservation.ports.length || new Set(reservation.portsUdp).size !== reservation.portsUdp.length,
  };
}

const always = () => true;
const hasPorts = (r: Reservation) => r.ports.length > 0 || r.portsUdp.length > 0 || (r.dynamicPorts ?? 0) > 0;

const cpu: Check = (_c, i, ws, q) => (q.reservation.cpu > ws.cpu[i]! ? Rejection.CPU : PASS);
const memory: Check = (_c, i, ws, q) => (q.reservation.memory > ws.memory[i]! ? Rejection.MEMORY : PASS);
const ports: Check = (_c, i, ws, q) => (q.selfClash || ws.portClash(i, q.reservation) ? Rejection.PORTS : PASS);
const distinctInstance: Check = (_c, i, ws) => (ws.groupCount[i]! > 0 ? Rejection.DISTINCT_INSTANCE : PASS);

export const FILTERS: readonly Filter[] = [
  { reason: Rejection.INACTIVE, stage: 'request', applies: always, check: (c) => (c.status === 'ACTIVE' ? PASS : Rejection.INACTIVE) },
  { reason: Rejection.AGENT, stage: 'request', applies: always, check: (c) => (c.agentConnected ? PASS : Rejection.AGENT) },
  { reason: Rejection.CPU, stage: 'task', applies: always, check: cpu },
  { reason: Rejection.MEMORY, stage: 'task', applies: always, check: memory },
  { reason: Rejection.PORTS, stage: 'task', applies: (q) => hasPorts(q.reservation), check: ports },
  {
    reason: Rejection.ATTRIBUTE,
    stage: 'request',
    applies: (q) => q.requiredAttributes.length > 0,
    check: (c, _i, _ws, q) => (q.requiredAttributes.every((a) => c.attributes.has(a)) ? PASS : Rejection.ATTRIBUTE),
  },
  {
    reason: Rejection.MEMBER_OF,
    stage: 'request',
    applies: (q) => q.memberOf.length > 0,
    check: (c, _i, _ws, q) => (q.memberOf.every((k) => k.query(c)) ? PASS : Rejection.MEMBER_OF),
  },
  { reason: Rejection.DISTINCT_INSTANCE, stage: 'task', applies: (q) => q.distinctInstance, check: distinctInstance },
];

/**
 * The task-stage filters above as one predicate, for placement's per-task loop: the same checks,
 * called directly. A loop over an array of checks is a call site V8 cannot inline, and measured about
 * three times the cost of the whole pick; `filter.test.ts` holds this to the list.
 */
export function fitsNow(c: PlacementCandidate, i: number, ws: WorkingSet, q: FilterRequest, withPorts: boolean): boolean {
  return (
    cpu(c, i, ws, q) === PASS &&
    memory(c, i, ws, q) === PASS &&
    (!withPorts || ports(c, i, ws, q) === PASS) &&
    (!q.distinctInstance || distinctInstance(c, i, ws, q) === PASS)
  );
}

/** Whether the port filter applies to the request (`fitsNow`'s `withPorts`). */
export const portsApply = (q: FilterRequest): boolean => hasPorts(q.reservation);

/** How far an instance rejected for `reason` got down the list. */
export const closeness = (reason: RejectionReason): number => FILTERS.findIndex((f) => f.reason === reason);

/** The checks that can reject anything for this request: of one stage, or every stage in list order. */
export const checksFor = (q: FilterRequest, stage?: Filter['stage']): Check[] =>
  FILTERS.filter((f) => (stage === undefined || f.stage === stage) && f.applies(q)).map((f) => f.check);
