/**
 * The cluster query language of memberOf constraints and ListContainerInstances' `filter`:
 *
 *   expr    := and ( ('or' | '||') and )*
 *   and     := unary ( ('and' | '&&') unary )*
 *   unary   := ('not' | '!') '(' expr ')' | '(' expr ')' | term
 *   term    := subject operator [ value | '[' value (',' value)* ']' ]
 *   subject := attribute:<name> | ec2InstanceId | agentConnected | runningTasksCount | registeredAt | task:group
 *
 * Operators take ECS's symbols or words (== equals, != not_equals, > greater_than, >= greater_than_equal,
 * < less_than, <= less_than_equal, exists, !exists not_exists, in, !in not_in, =~ matches, !~ not_matches).
 * Parsing happens once; the result is a closure, so evaluating it per candidate allocates nothing.
 * Anything not understood is refused rather than silently matching everything.
 */
import { AwsError } from '../aws-error.js';

/** What an expression is evaluated against: one container instance as the scheduler sees it. */
export interface QuerySubject {
  readonly ec2InstanceId: string;
  readonly agentConnected: boolean;
  /** Attribute name → value (undefined for a valueless attribute). */
  readonly attributes: ReadonlyMap<string, string | undefined>;
  readonly runningTasksCount?: number;
  /** Epoch seconds. */
  readonly registeredAt?: number;
  /** Task group → count of tasks of that group on the instance. */
  readonly groupCounts?: ReadonlyMap<string, number>;
}

export type ClusterQuery = (subject: QuerySubject) => boolean;

type Op = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'exists' | '!exists' | 'in' | '!in' | '=~' | '!~';

const OPS: Record<string, Op> = {
  '==': '==',
  equals: '==',
  '!=': '!=',
  not_equals: '!=',
  '>': '>',
  greater_than: '>',
  '>=': '>=',
  greater_than_equal: '>=',
  '<': '<',
  less_than: '<',
  '<=': '<=',
  less_than_equal: '<=',
  exists: 'exists',
  '!exists': '!exists',
  not_exists: '!exists',
  in: 'in',
  '!in': '!in',
  not_in: '!in',
  '=~': '=~',
  matches: '=~',
  '!~': '!~',
  not_matches: '!~',
};

const invalid = (expression: string, why: string): AwsError =>
  new AwsError('InvalidParameterException', `Invalid cluster query expression "${expression}": ${why}`);

export type QuerySubjectName = 'attribute' | 'ec2InstanceId' | 'agentConnected' | 'runningTasksCount' | 'registeredAt' | 'task:group';

export interface ParseOptions {
  /** Subjects the caller can supply; others are refused (default: all). */
  readonly subjects?: readonly QuerySubjectName[];
}

/** Parses `expression` once; throws InvalidParameterException when it is not understood. */
export function parseClusterQuery(expression: string, options: ParseOptions = {}): ClusterQuery {
  let pos = 0;
  const src = expression;
  const fail = (why: string): never => {
    throw invalid(src, `${why} at position ${pos}`);
  };
  const skip = (): void => {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  };
  const peekChar = (): string | undefined => (skip(), src[pos]);
  /** A bare word: up to whitespace or one of ( ) [ ] , */
  const word = (): string => {
    skip();
    if (src[pos] === '"' || src[pos] === "'") {
      const quote = src[pos]!;
      const end = src.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated quote');
      const w = src.slice(pos + 1, end);
      pos = end + 1;
      return w;
    }
    const start = pos;
    while (pos < src.length && !/[\s()[\],]/.test(src[pos]!)) pos++;
    return src.slice(start, pos);
  };
  const keywordAhead = (...kws: string[]): string | undefined => {
    skip();
    for (const kw of kws) {
      if (src.startsWith(kw, pos)) {
        const after = src[pos + kw.length];
        const symbolic = !/[a-z]/i.test(kw);
        if (symbolic || after === undefined || /[\s(]/.test(after)) return kw;
      }
    }
    return undefined;
  };

  const parseOr = (): ClusterQuery => {
    const parts = [parseAnd()];
    for (let kw; (kw = keywordAhead('or', '||')); ) {
      pos += kw.length;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (s) => parts.some((p) => p(s));
  };
  const parseAnd = (): ClusterQuery => {
    const parts = [parseUnary()];
    for (let kw; (kw = keywordAhead('and', '&&')); ) {
      pos += kw.length;
      parts.push(parseUnary());
    }
    return parts.length === 1 ? parts[0]! : (s) => parts.every((p) => p(s));
  };
  const parenthesised = (): ClusterQuery => {
    if (peekChar() !== '(') fail('expected "("');
    pos++;
    const inner = parseOr();
    if (peekChar() !== ')') fail('expected ")"');
    pos++;
    return inner;
  };
  const parseUnary = (): ClusterQuery => {
    const neg = keywordAhead('not', '!(');
    if (neg) {
      pos += neg === 'not' ? 3 : 1;
      const inner = parenthesised();
      return (s) => !inner(s);
    }
    if (peekChar() === '(') return parenthesised();
    return parseTerm();
  };
  const parseValues = (): string[] => {
    if (peekChar() === '[' || peekChar() === '(') {
      const close = src[pos] === '[' ? ']' : ')';
      pos++;
      const values: string[] = [];
      for (;;) {
        const v = word();
        if (v === '') fail('expected a value');
        values.push(v);
        const c = peekChar();
        pos++;
        if (c === close) return values;
        if (c !== ',') fail(`expected "," or "${close}"`);
      }
    }
    const v = word();
    if (v === '') fail('expected a value');
    return [v];
  };
  const parseTerm = (): ClusterQuery => {
    const subject = word();
    if (subject === '') fail('expected a subject');
    const opWord = word();
    const op = OPS[opWord.toLowerCase()];
    if (!op) return fail(`unknown operator "${opWord}"`);
    const values = op === 'exists' || op === '!exists' ? [] : parseValues();
    if ((op === 'in' || op === '!in') === false && values.length > 1) fail(`operator ${op} takes one value`);
    const name = (subject.startsWith('attribute:') ? 'attribute' : subject) as QuerySubjectName;
    if (options.subjects && !options.subjects.includes(name)) fail(`subject "${subject}" is not supported here`);
    return termFor(src, subject, op, values);
  };

  const query = parseOr();
  skip();
  if (pos < src.length) fail(`unexpected "${src.slice(pos)}"`);
  return query;
}

/** Compares as numbers when both sides are numbers, else as strings. */
function order(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(op: Op, actual: string | undefined, values: string[], regex: RegExp | undefined): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined;
    case '!exists':
      return actual === undefined;
    case '==':
    case 'in':
      return actual !== undefined && values.includes(actual);
    case '!=':
    case '!in':
      return actual === undefined || !values.includes(actual);
    case '=~':
      return actual !== undefined && regex!.test(actual);
    case '!~':
      return actual === undefined || !regex!.test(actual);
    case '>':
      return actual !== undefined && order(actual, values[0]!) > 0;
    case '>=':
      return actual !== undefined && order(actual, values[0]!) >= 0;
    case '<':
      return actual !== undefined && order(actual, values[0]!) < 0;
    case '<=':
      return actual !== undefined && order(actual, values[0]!) <= 0;
  }
}

const NUMERIC_OPS: Op[] = ['==', '!=', '>', '>=', '<', '<=', 'in', '!in'];
const IDENTITY_OPS: Op[] = ['==', '!=', 'in', '!in', '=~', '!~'];

function termFor(expression: string, subject: string, op: Op, values: string[]): ClusterQuery {
  let regex: RegExp | undefined;
  if (op === '=~' || op === '!~') {
    try {
      // Whole-value match, as Java's String.matches does.
      regex = new RegExp(`^(?:${values[0]})$`);
    } catch {
      throw invalid(expression, `bad regular expression "${values[0]}"`);
    }
  }
  const allow = (ops: Op[]): void => {
    if (!ops.includes(op)) throw invalid(expression, `operator ${op} does not apply to ${subject}`);
  };
  if (subject.startsWith('attribute:') && subject.length > 'attribute:'.length) {
    const name = subject.slice('attribute:'.length);
    // A valueless attribute exists but equals nothing.
    if (op === 'exists') return (s) => s.attributes.has(name);
    if (op === '!exists') return (s) => !s.attributes.has(name);
    return (s) => compare(op, s.attributes.get(name), values, regex);
  }
  switch (subject) {
    case 'ec2InstanceId':
      allow(IDENTITY_OPS);
      return (s) => compare(op, s.ec2InstanceId, values, regex);
    case 'agentConnected': {
      allow(['==', '!=']);
      if (values[0] !== 'true' && values[0] !== 'false') throw invalid(expression, 'agentConnected takes true or false');
      return (s) => compare(op, String(s.agentConnected), values, regex);
    }
    case 'runningTasksCount': {
      allow(NUMERIC_OPS);
      if (values.some((v) => !/^\d+$/.test(v))) throw invalid(expression, 'runningTasksCount takes whole numbers');
      return (s) => compare(op, String(s.runningTasksCount ?? 0), values, regex);
    }
    case 'registeredAt': {
      allow(NUMERIC_OPS);
      const seconds = values.map((v) => Date.parse(v) / 1000);
      if (seconds.some((x) => !Number.isFinite(x))) throw invalid(expression, 'registeredAt takes dates such as 2024-01-31 or 2024-01-31T12:00:00Z');
      return (s) => compare(op, s.registeredAt === undefined ? undefined : String(s.registeredAt), seconds.map(String), regex);
    }
    case 'task:group': {
      allow(['==', '!=', 'in', '!in', 'exists', '!exists']);
      const anyOf = (s: QuerySubject): boolean =>
        op === 'exists' || op === '!exists' ? [...(s.groupCounts?.values() ?? [])].some((n) => n > 0) : values.some((g) => (s.groupCounts?.get(g) ?? 0) > 0);
      const positive = op === '==' || op === 'in' || op === 'exists';
      return (s) => anyOf(s) === positive;
    }
    default:
      throw invalid(expression, `unknown subject "${subject}"`);
  }
}
