/**
 * SSM parameter names, as Parameter Store constrains them (the user guide's "requirements and
 * constraints for parameter names"): letters, digits and `_.-/`; a hierarchy starts with `/` and
 * has at most 15 levels; no `aws`/`ssm` prefix; at most 1011 characters with the ARN around them.
 * References may also be ARNs and may carry a `:version` or `:label` selector.
 */
import { AwsError } from '../aws-error.js';

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/;
const MAX_LEVELS = 15;
const MAX_ARN_LENGTH = 1011;

const invalid = (message: string) => new AwsError('ValidationException', message);

/** ARN resource part: `parameter/a/b` for both `/a/b` and `a/b`. */
export function parameterArn(scope: ArnScope, name: string): string {
  return `arn:aws:ssm:${scope.region}:${scope.accountId}:parameter/${name.startsWith('/') ? name.slice(1) : name}`;
}

/** Throws, in Parameter Store's words, for a name that cannot be created. */
export function checkParameterName(scope: ArnScope, name: string): void {
  if (!NAME_CHARS.test(name)) {
    throw invalid(
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of ` +
        `sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 ` +
        `symbols .-_ (got ${JSON.stringify(name)})`,
    );
  }
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (/^(aws|ssm)/i.test(bare)) {
    throw invalid(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive) (got ${JSON.stringify(name)})`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw invalid(`Parameter name must be a fully qualified name. (got ${JSON.stringify(name)})`);
  }
  if (name.endsWith('/') || name.includes('//')) {
    throw invalid(`Parameter name: each sub-path must be non-empty (got ${JSON.stringify(name)})`);
  }
  if (levels(name) > MAX_LEVELS) {
    throw new AwsError('HierarchyLevelLimitExceededException', `A hierarchy can have a maximum of 15 levels (${JSON.stringify(name)} has ${levels(name)}).`);
  }
  if (parameterArn(scope, name).length > MAX_ARN_LENGTH) {
    throw invalid(`Parameter name: the name with its ARN is over ${MAX_ARN_LENGTH} characters.`);
  }
}

function levels(name: string): number {
  return name.split('/').filter((p) => p !== '').length;
}

export interface ParameterRef {
  /** The name to look up; for an ARN of a top-level name, `alternate` is its slash-led twin. */
  readonly name: string;
  readonly alternate?: string;
  /** A `:N` selector. */
  readonly version?: number;
  /** A `:label` selector. */
  readonly label?: string;
  /** The selector as written (`:3`), echoed in GetParameter's Selector. */
  readonly selector?: string;
}

/**
 * A reference in GetParameter(s) and a task definition's `valueFrom`: a name or an ARN of this
 * region and account, with an optional `:version` or `:label` selector. An ARN names `/a/b` as
 * `parameter/a/b`, and both `a` and `/a` as `parameter/a`, so the latter is tried both ways. An ARN of
 * another region or account is no parameter Berth holds: it stays as written and is not found.
 */
export function parseParameterRef(scope: ArnScope, ref: string): ParameterRef {
  const prefix = `arn:aws:ssm:${scope.region}:${scope.accountId}:parameter/`;
  let rest = ref;
  let fromArn = false;
  if (ref.startsWith('arn:')) {
    if (!ref.startsWith(prefix)) return { name: ref };
    rest = ref.slice(prefix.length);
    fromArn = true;
  }
  const colon = rest.lastIndexOf(':');
  const sel = colon > 0 ? rest.slice(colon + 1) : undefined;
  const bare = colon > 0 ? rest.slice(0, colon) : rest;
  const name = fromArn && bare.includes('/') ? `/${bare}` : bare;
  const alternate = fromArn && !bare.includes('/') ? `/${bare}` : undefined;
  const base = { name, ...(alternate ? { alternate } : {}) };
  if (sel === undefined) return base;
  if (/^[0-9]+$/.test(sel)) return { ...base, version: Number(sel), selector: `:${sel}` };
  return { ...base, label: sel, selector: `:${sel}` };
}

/** Whether `name` lies under `path` (GetParametersByPath): directly, or at any depth with `recursive`. */
export function isUnderPath(name: string, path: string, recursive: boolean): boolean {
  const base = path.endsWith('/') ? path : `${path}/`;
  if (path === '/') return recursive ? name.startsWith('/') : name.startsWith('/') && !name.slice(1).includes('/');
  if (!name.startsWith(base)) return false;
  return recursive || !name.slice(base.length).includes('/');
}
