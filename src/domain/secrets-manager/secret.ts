/**
 * A Secrets Manager secret as stored: its versions (each value sealed at rest), the staging labels
 * on them (AWSCURRENT, AWSPREVIOUS, custom ones), and its deletion schedule. Every decision is pure:
 * `addVersion` moves the stages as Secrets Manager does; `isGone` says a scheduled deletion has come.
 */
import { AwsError } from '../aws-error.js';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';
export const DEFAULT_KMS_KEY = 'alias/aws/secretsmanager';
/** Versions without a stage beyond this many are dropped, oldest first (Secrets Manager keeps ~100). */
export const MAX_VERSIONS = 100;
export const MAX_VALUE_BYTES = 65_536;

export interface SecretVersionRecord {
  readonly versionId: string;
  /** Sealed with the aad `sealAad(arn, versionId)`: the string, or the binary as base64. */
  readonly sealedValue: string;
  readonly binary: boolean;
  readonly stages: readonly string[];
  readonly createdDate: number;
}

export interface SecretRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly createdDate: number;
  readonly lastChangedDate: number;
  /** When a DeleteSecret's recovery window ends; present while the secret is scheduled for deletion. */
  readonly deletedDate?: number;
  readonly versions: readonly SecretVersionRecord[];
}

export const sealAad = (arn: string, versionId: string) => `${arn}#${versionId}`;

const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
const invalidRequest = (message: string) => new AwsError('InvalidRequestException', message);

const NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/;

export function checkSecretName(name: string): void {
  if (!NAME.test(name)) {
    throw invalidParameter(
      `Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@! (got ${JSON.stringify(name)})`,
    );
  }
}

export interface SecretValueInput {
  readonly SecretString?: string;
  readonly SecretBinary?: Uint8Array;
}

/** The value as stored before sealing, or undefined when the request carries none. */
export function valueOf(input: SecretValueInput): { text: string; binary: boolean } | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  const value =
    input.SecretString !== undefined
      ? { text: input.SecretString, binary: false }
      : input.SecretBinary !== undefined
        ? { text: Buffer.from(input.SecretBinary).toString('base64'), binary: true }
        : undefined;
  const bytes = value && (value.binary ? Buffer.from(value.text, 'base64').length : Buffer.byteLength(value.text, 'utf8'));
  if (bytes !== undefined && bytes > MAX_VALUE_BYTES) {
    throw invalidParameter(`The secret value is ${bytes} bytes; Secrets Manager allows at most ${MAX_VALUE_BYTES}.`);
  }
  return value;
}

/** Refuses a KMS key other than the one Berth seals with (there is no KMS here). */
export function checkKmsKey(kmsKeyId: string | undefined): void {
  if (kmsKeyId !== undefined && kmsKeyId !== DEFAULT_KMS_KEY) {
    throw invalidParameter(`KmsKeyId: Berth encrypts secrets with its own key (${DEFAULT_KMS_KEY}); ${kmsKeyId} is not a key it has.`);
  }
}

/** Refuses the operations Secrets Manager forbids on a secret scheduled for deletion. */
export function checkNotScheduled(secret: SecretRecord, what: string): void {
  if (secret.deletedDate !== undefined) {
    throw invalidRequest(`You can't perform this operation on the secret because it was marked for deletion. (${what})`);
  }
}

/** Whether a scheduled deletion's recovery window has ended: the secret is gone for good. */
export const isGone = (secret: SecretRecord, now: number) => secret.deletedDate !== undefined && secret.deletedDate <= now;

export interface NewVersion {
  readonly versionId: string;
  readonly sealedValue: string;
  readonly binary: boolean;
  /** Stages the version takes; AWSCURRENT when none are named. */
  readonly stages?: readonly string[];
  readonly now: number;
}

/**
 * The secret after a new version: the stages it takes leave the versions that had them; when it
 * takes AWSCURRENT, the old current version becomes AWSPREVIOUS. A version id that exists already
 * is the same request again (ClientRequestToken's idempotency) when its value is the same, and
 * ResourceExistsException when not: `sameValue` compares the opened values.
 */
export function addVersion(secret: SecretRecord, v: NewVersion, sameValue: (existing: SecretVersionRecord) => boolean): SecretRecord {
  const existing = secret.versions.find((x) => x.versionId === v.versionId);
  if (existing) {
    if (sameValue(existing)) return secret;
    throw new AwsError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
  }
  const stages = v.stages && v.stages.length > 0 ? v.stages : [CURRENT];
  const takesCurrent = stages.includes(CURRENT);
  const versions = secret.versions.map((x) => {
    let s = x.stages.filter((st) => !stages.includes(st) && !(takesCurrent && st === PREVIOUS));
    if (takesCurrent && x.stages.includes(CURRENT)) s = [...s, PREVIOUS];
    return { ...x, stages: s };
  });
  versions.push({ versionId: v.versionId, sealedValue: v.sealedValue, binary: v.binary, stages: [...stages], createdDate: v.now });
  const staged = versions.filter((x) => x.stages.length > 0);
  const unstaged = versions.filter((x) => x.stages.length === 0);
  const keep = new Set([...staged, ...unstaged.slice(Math.max(0, unstaged.length - (MAX_VERSIONS - staged.length)))]);
  return { ...secret, lastChangedDate: v.now, versions: versions.filter((x) => keep.has(x)) };
}

/** The version a GetSecretValue names (VersionId and/or VersionStage; AWSCURRENT when neither). */
export function selectSecretVersion(secret: SecretRecord, versionId: string | undefined, stage: string | undefined): SecretVersionRecord {
  const wantStage = stage ?? (versionId === undefined ? CURRENT : undefined);
  const v = secret.versions.find((x) => (versionId === undefined || x.versionId === versionId) && (wantStage === undefined || x.stages.includes(wantStage)));
  if (!v) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for ${versionId !== undefined ? `VersionId: ${versionId}` : `staging label: ${wantStage}`}`,
    );
  }
  return v;
}

/** DeleteSecret's schedule: when the secret goes, or a refusal of a bad combination. */
export function deletionDate(input: { RecoveryWindowInDays?: number; ForceDeleteWithoutRecovery?: boolean }, now: number): number {
  if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
    throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  if (input.ForceDeleteWithoutRecovery) return now;
  const days = input.RecoveryWindowInDays ?? 30;
  if (!Number.isInteger(days) || days < 7 || days > 30) {
    throw invalidParameter('RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  return now + days * 86_400_000;
}
