/**
 * Resolves a task's secrets (container `secrets`, `repositoryCredentials`, log-driver
 * `secretOptions`) from Parameter Store and Secrets Manager, as the ECS agent does with the task's
 * execution role when the task starts. The answer is the values, or the stoppedReason ECS gives a
 * task whose secrets cannot be pulled, in ECS's words, so a missing secret stops the task before
 * any container starts.
 */
import { AwsError } from '../../domain/aws-error.js';
import { parseSecretReference } from '../../domain/secrets/secret-reference.js';
import type { RequestContext } from '../api/operation.js';

/** The two stores' reads, as their API handlers answer them. */
export interface SecretSources {
  getParameters(names: string[], ctx: RequestContext): Promise<{ values: Map<string, string>; invalid: string[] }>;
  getSecretValue(input: { SecretId: string; VersionStage?: string; VersionId?: string }, ctx: RequestContext): Promise<string>;
}

export interface SecretRef {
  readonly name: string;
  readonly valueFrom: string;
}

export type Resolution = { readonly ok: true; readonly values: Record<string, string> } | { readonly ok: false; readonly reason: string };

const PREFIX = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ';

export async function resolveSecrets(sources: SecretSources, refs: readonly SecretRef[], ctx: RequestContext): Promise<Resolution> {
  const values: Record<string, string> = {};
  const ssm = refs.filter((r) => parseSecretReference(r.valueFrom).kind === 'ssm');
  if (ssm.length > 0) {
    const names = [...new Set(ssm.map((r) => r.valueFrom))];
    const found = new Map<string, string>();
    const invalid: string[] = [];
    // GetParameters takes ten names a call.
    for (let i = 0; i < names.length; i += 10) {
      const r = await sources.getParameters(names.slice(i, i + 10), ctx);
      r.values.forEach((v, k) => found.set(k, v));
      invalid.push(...r.invalid);
    }
    if (invalid.length > 0) {
      return {
        ok: false,
        reason: `${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: ${invalid.join(', ')}`,
      };
    }
    for (const r of ssm) values[r.name] = found.get(r.valueFrom) as string;
  }
  for (const r of refs) {
    const ref = parseSecretReference(r.valueFrom);
    if (ref.kind !== 'secretsmanager') continue;
    let text: string;
    try {
      text = await sources.getSecretValue(
        { SecretId: ref.secretId, ...(ref.versionStage ? { VersionStage: ref.versionStage } : {}), ...(ref.versionId ? { VersionId: ref.versionId } : {}) },
        ctx,
      );
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      return {
        ok: false,
        reason: `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${ref.secretId} from secrets manager: ${err.code}: ${err.message}`,
      };
    }
    if (ref.jsonKey === undefined) {
      values[r.name] = text;
      continue;
    }
    const picked = jsonMember(text, ref.jsonKey);
    if (picked === undefined) {
      return {
        ok: false,
        reason: `${PREFIX}unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key ${ref.jsonKey}`,
      };
    }
    values[r.name] = picked;
  }
  return { ok: true, values };
}

export type RegistryAuthResolution =
  | { readonly ok: true; readonly username: string; readonly password: string }
  | { readonly ok: false; readonly reason: string };

/**
 * `repositoryCredentials.credentialsParameter`: a Secrets Manager secret (ARN or name) holding
 * `{"username": ..., "password": ...}`, the registry's basic auth for the image pull.
 */
export async function resolveRegistryAuth(sources: SecretSources, credentialsParameter: string, ctx: RequestContext): Promise<RegistryAuthResolution> {
  let text: string;
  try {
    text = await sources.getSecretValue({ SecretId: credentialsParameter }, ctx);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    return {
      ok: false,
      reason: `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${credentialsParameter} from secrets manager: ${err.code}: ${err.message}`,
    };
  }
  const username = jsonMember(text, 'username');
  const password = jsonMember(text, 'password');
  if (username === undefined || password === undefined) {
    return { ok: false, reason: `${PREFIX}unable to retrieve registry auth: secret ${credentialsParameter} must be JSON with "username" and "password"` };
  }
  return { ok: true, username, password };
}

/** A JSON secret's member as a string (ECS passes non-string members as their JSON). */
function jsonMember(text: string, key: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || !(key in doc)) return undefined;
  const v = (doc as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
}
