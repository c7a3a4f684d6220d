/**
 * A Parameter Store parameter as stored: every version (at most 100, as SSM keeps), each with its
 * value sealed at rest (platform/sealed-box) and the settings it was written with. Deciding a
 * PutParameter is pure: `nextParameter` takes the current record and the request and returns the
 * new record, or throws the SSM error; the handler seals and commits.
 */
import { AwsError } from '../aws-error.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type StoredTier = 'Standard' | 'Advanced';

export interface ParameterVersionRecord {
  readonly version: number;
  readonly type: ParameterType;
  /** Sealed with the aad `sealAad(arn, version)`. */
  readonly sealedValue: string;
  readonly description?: string;
  readonly allowedPattern?: string;
  /** Only for SecureString: the only key Berth has, `alias/aws/ssm`. */
  readonly keyId?: string;
  readonly tier: StoredTier;
  readonly dataType: 'text';
  readonly lastModifiedDate: number;
  readonly lastModifiedUser: string;
  readonly labels: readonly string[];
}

export interface ParameterRecord {
  readonly name: string;
  readonly arn: string;
  readonly versions: readonly ParameterVersionRecord[];
}

export const DEFAULT_KEY_ID = 'alias/aws/ssm';
export const MAX_VERSIONS = 100;
const MAX_STANDARD_VALUE = 4096;
const MAX_ADVANCED_VALUE = 8192;

export const sealAad = (arn: string, version: number) => `${arn}#${version}`;

export interface PutParameterInput {
  readonly Name: string;
  readonly Value: string;
  readonly Type?: ParameterType;
  readonly Description?: string;
  readonly KeyId?: string;
  readonly Overwrite?: boolean;
  readonly AllowedPattern?: string;
  readonly Tags?: readonly { Key: string; Value: string }[];
  readonly Tier?: 'Standard' | 'Advanced' | 'Intelligent-Tiering';
  readonly Policies?: string;
  readonly DataType?: string;
}

/** The settled version (all but the sealed value), or the SSM error for the request. */
export type SettledVersion = Omit<ParameterVersionRecord, 'sealedValue'>;

const validation = (message: string) => new AwsError('ValidationException', message);

export function settlePut(current: ParameterRecord | undefined, input: PutParameterInput, now: number, user: string): SettledVersion {
  const latest = current?.versions.at(-1);
  if (latest && !input.Overwrite) {
    throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
  if (latest && input.Tags && input.Tags.length > 0) {
    throw validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove " +
        'overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
    );
  }
  const type = input.Type ?? latest?.type;
  if (!type) throw validation('A parameter type is required when you create a parameter.');
  if (input.Policies !== undefined) {
    throw validation('Policies: parameter policies (expiration, notifications) are not supported by Berth.');
  }
  if (input.DataType !== undefined && input.DataType !== 'text') {
    throw validation(`DataType: only "text" is supported by Berth (got ${JSON.stringify(input.DataType)}).`);
  }
  if (input.KeyId !== undefined && type !== 'SecureString') {
    throw validation('KeyId is required for SecureString type parameter only.');
  }
  if (input.KeyId !== undefined && input.KeyId !== DEFAULT_KEY_ID) {
    throw new AwsError('InvalidKeyId', `KeyId: Berth encrypts with its own key, ${DEFAULT_KEY_ID}; ${input.KeyId} is not a key it has.`);
  }
  if (input.Value === '') throw validation('Parameter value must not be empty.');
  if (type === 'StringList' && input.Value.split(',').some((v) => v === '')) {
    throw validation('StringList: every comma-separated value must be non-empty.');
  }
  const allowedPattern = input.AllowedPattern ?? latest?.allowedPattern;
  if (allowedPattern !== undefined && allowedPattern !== '') {
    let re: RegExp;
    try {
      re = new RegExp(allowedPattern);
    } catch {
      throw new AwsError('InvalidAllowedPatternException', `AllowedPattern ${JSON.stringify(allowedPattern)} is not a valid regular expression.`);
    }
    if (!re.test(input.Value)) {
      throw new AwsError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${allowedPattern}`);
    }
  }
  const size = Buffer.byteLength(input.Value, 'utf8');
  const tier = tierFor(input.Tier, latest?.tier, size);
  const version = (latest?.version ?? 0) + 1;
  const description = input.Description ?? latest?.description;
  return {
    version,
    type,
    ...(description !== undefined ? { description } : {}),
    ...(allowedPattern !== undefined ? { allowedPattern } : {}),
    ...(type === 'SecureString' ? { keyId: DEFAULT_KEY_ID } : {}),
    tier,
    dataType: 'text',
    lastModifiedDate: now,
    lastModifiedUser: user,
    labels: [],
  };
}

function tierFor(asked: PutParameterInput['Tier'], previous: StoredTier | undefined, size: number): StoredTier {
  // Standard unless asked (the account's default tier); an Advanced parameter never goes back to
  // Standard (SSM's rule); Intelligent-Tiering picks by size.
  const wanted: StoredTier =
    asked === 'Advanced' || previous === 'Advanced' ? 'Advanced' : asked === 'Intelligent-Tiering' && size > MAX_STANDARD_VALUE ? 'Advanced' : 'Standard';
  if (asked === 'Standard' && previous === 'Advanced') {
    throw validation('Tier: an Advanced parameter cannot be changed back to Standard.');
  }
  if (wanted === 'Standard' && size > MAX_STANDARD_VALUE) {
    throw validation(
      'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter ' +
        'value, upgrade the parameter to use the advanced-parameter tier.',
    );
  }
  if (size > MAX_ADVANCED_VALUE) {
    throw validation('Advanced tier parameters support a maximum parameter value of 8192 characters.');
  }
  return wanted;
}

/** The record after a put: the new version appended, the oldest one dropped past MAX_VERSIONS. */
export function withVersion(current: ParameterRecord | undefined, name: string, arn: string, version: ParameterVersionRecord): ParameterRecord {
  const versions = [...(current?.versions ?? []), version];
  return { name, arn, versions: versions.slice(Math.max(0, versions.length - MAX_VERSIONS)) };
}

/** The version a selector names: the latest without one. */
export function selectVersion(rec: ParameterRecord, ref: { version?: number; label?: string }): ParameterVersionRecord | undefined {
  if (ref.version !== undefined) return rec.versions.find((v) => v.version === ref.version);
  if (ref.label !== undefined) return rec.versions.find((v) => v.labels.includes(ref.label as string));
  return rec.versions.at(-1);
}
