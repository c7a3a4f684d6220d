/**
 * A container's `logConfiguration` as Berth runs it: which drivers exist, the awslogs options Berth
 * honours (checked at RegisterTaskDefinition, ClientException naming the option), the stream a
 * container's lines go to (ECS's `prefix/container-name/task-id`), and awslogs' multiline rules
 * (Docker's: `awslogs-datetime-format` is strftime turned into a regular expression, both anchored at
 * the line's start). Pure.
 */
import { AwsError } from '../aws-error.js';

/**
 * Drivers Berth runs: awslogs ships into Berth's CloudWatch Logs; json-file and syslog are Docker's own.
 * (ECS's model has no `none`; journald, gelf, fluentd, splunk and awsfirelens are refused.)
 */
export const LOG_DRIVERS = ['awslogs', 'json-file', 'syslog'] as const;

/** The awslogs options Berth honours. */
export const AWSLOGS_OPTIONS = [
  'awslogs-group',
  'awslogs-region',
  'awslogs-stream-prefix',
  'awslogs-create-group',
  'awslogs-datetime-format',
  'awslogs-multiline-pattern',
  'mode',
] as const;

export interface AwslogsTarget {
  group: string;
  /** Undefined: the stream is the container's runtime id, as Docker names it. */
  streamPrefix?: string;
  createGroup: boolean;
  /** A line matching this starts a new event; others join the event before. Undefined: one line, one event. */
  multiline?: RegExp;
}

const client = (message: string) => new AwsError('ClientException', message);

const STRFTIME: Record<string, string> = {
  a: '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)',
  A: '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)',
  w: '[0-6]',
  d: '(?:0[1-9]|[1,2][0-9]|3[0,1])',
  b: '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)',
  B: '(?:January|February|March|April|May|June|July|August|September|October|November|December)',
  m: '(?:0[1-9]|1[0-2])',
  Y: '\\d{4}',
  y: '\\d{2}',
  H: '(?:[0,1][0-9]|2[0-3])',
  I: '(?:0[0-9]|1[0-2])',
  p: '[A,P]M',
  M: '[0-5][0-9]',
  S: '[0-5][0-9]',
  f: '\\d{6}',
  z: '[+-]\\d{4}',
  Z: '[A-Z]{1,4}T',
  j: '(?:0[0-9][1-9]|[1,2][0-9][0-9]|3[0-5][0-9]|36[0-6])',
  L: '\\.\\d{3}',
};

/** Docker's conversion of `awslogs-datetime-format`: each strftime directive becomes its pattern, the rest stays as written. */
export function datetimeFormatPattern(format: string): string {
  return format.replace(/%([a-zA-Z])/g, (all, d: string) => STRFTIME[d] ?? all);
}

function compile(field: string, container: string, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})`);
  } catch (err) {
    throw client(`Invalid 'logConfiguration.options.${field}' setting for container '${container}': ${(err as Error).message}.`);
  }
}

/**
 * RegisterTaskDefinition's checks of one container's `logConfiguration`. `region` is the server's:
 * awslogs ships only into this Berth's own store, so another region would be a promise not kept.
 */
export function validateLogConfiguration(container: string, log: unknown, region: string): void {
  if (log === undefined) return;
  const l = log as { logDriver?: unknown; options?: unknown };
  if (typeof l.logDriver !== 'string' || !(LOG_DRIVERS as readonly string[]).includes(l.logDriver)) {
    throw client(
      `Invalid 'logConfiguration.logDriver' setting for container '${container}': ${JSON.stringify(l.logDriver)} is not a log driver Berth runs (${LOG_DRIVERS.join(', ')}).`,
    );
  }
  const options = (l.options ?? {}) as Record<string, unknown>;
  if (l.logDriver !== 'awslogs') return;
  for (const [k, v] of Object.entries(options)) {
    if (!(AWSLOGS_OPTIONS as readonly string[]).includes(k)) {
      throw client(
        `Invalid 'logConfiguration.options.${k}' setting for container '${container}': Berth's awslogs driver honours ${AWSLOGS_OPTIONS.join(', ')} only.`,
      );
    }
    if (typeof v !== 'string') throw client(`Invalid 'logConfiguration.options.${k}' setting for container '${container}': it must be a string.`);
  }
  awslogsTargetOf(container, options as Record<string, string>, region);
}

/** The awslogs options read (and checked) into where and how lines are shipped; `region` undefined: not checked (the agent, which RegisterTaskDefinition already checked for). */
export function awslogsTargetOf(container: string, options: Record<string, string>, region: string | undefined): AwslogsTarget {
  const opt = (k: string) => options[k];
  const group = opt('awslogs-group');
  if (group === undefined || !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group)) {
    throw client(
      `Invalid 'logConfiguration.options.awslogs-group' setting for container '${container}': the awslogs driver needs a log group name (1-512 of a-z, A-Z, 0-9, '.', '-', '_', '/', '#').`,
    );
  }
  const r = opt('awslogs-region');
  if (r !== undefined && region !== undefined && r !== region) {
    throw client(
      `Invalid 'logConfiguration.options.awslogs-region' setting for container '${container}': Berth ships logs into its own region only (${region}), not ${r}.`,
    );
  }
  const prefix = opt('awslogs-stream-prefix');
  if (prefix !== undefined && (prefix === '' || prefix.includes(':') || prefix.includes('*'))) {
    throw client(`Invalid 'logConfiguration.options.awslogs-stream-prefix' setting for container '${container}': it must not be empty nor hold ':' or '*'.`);
  }
  const create = opt('awslogs-create-group');
  if (create !== undefined && create !== 'true' && create !== 'false') {
    throw client(`Invalid 'logConfiguration.options.awslogs-create-group' setting for container '${container}': it must be true or false.`);
  }
  const mode = opt('mode');
  if (mode !== undefined && mode !== 'non-blocking') {
    // Berth's shipper reads the runtime's log file, so a container never waits on it: non-blocking without the buffer's loss.
    throw client(
      `Invalid 'logConfiguration.options.mode' setting for container '${container}': Berth never blocks a container on its logs; only non-blocking is honoured.`,
    );
  }
  const dt = opt('awslogs-datetime-format');
  const ml = opt('awslogs-multiline-pattern');
  if (dt !== undefined && ml !== undefined) {
    throw client(
      `Invalid 'logConfiguration.options' setting for container '${container}': awslogs-datetime-format and awslogs-multiline-pattern cannot both be set.`,
    );
  }
  const multiline =
    dt !== undefined
      ? compile('awslogs-datetime-format', container, datetimeFormatPattern(dt))
      : ml !== undefined
        ? compile('awslogs-multiline-pattern', container, ml)
        : undefined;
  return { group, ...(prefix !== undefined ? { streamPrefix: prefix } : {}), createGroup: create === 'true', ...(multiline ? { multiline } : {}) };
}

/** ECS's stream name: `prefix/container-name/task-id`; without a prefix, Docker's (the container's id). */
export function awslogsStreamName(target: AwslogsTarget, container: string, taskId: string, runtimeId: string): string {
  return target.streamPrefix !== undefined ? `${target.streamPrefix}/${container}/${taskId}` : runtimeId;
}

/** ECS's stoppedReason when the group is missing and awslogs-create-group is not true (the daemon's words). */
export const MISSING_GROUP_REASON =
  'CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.';

export interface JoinedLine<P> {
  message: string;
  /** Where the event's first line was written (epoch ms): its timestamp. */
  time: number;
  /** The position of its last line: the cursor once it is stored. */
  last: P;
}

/**
 * awslogs' multiline joining, as a fold: `push` one line, get the events it completes. A line that
 * matches the pattern (or any line, without one) starts an event; others join the pending one with '\n'.
 */
export class MultilineJoiner<P> {
  private pending: JoinedLine<P> | undefined;
  constructor(private readonly pattern: RegExp | undefined) {}

  push(line: string, time: number, pos: P): JoinedLine<P>[] {
    if (!this.pattern) return [{ message: line, time, last: pos }];
    const out: JoinedLine<P>[] = [];
    if (this.pending && !this.pattern.test(line)) {
      this.pending = { ...this.pending, message: `${this.pending.message}\n${line}`, last: pos };
      return out;
    }
    if (this.pending) out.push(this.pending);
    this.pending = { message: line, time, last: pos };
    return out;
  }

  /** The pending event, ended (after an idle interval or at the container's exit). */
  flush(): JoinedLine<P>[] {
    const p = this.pending;
    this.pending = undefined;
    return p ? [p] : [];
  }

  get hasPending(): boolean {
    return this.pending !== undefined;
  }
}
