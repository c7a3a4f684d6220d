/**
 * ECS account settings: which values each name takes, what each is when nobody set it, and how the
 * effective value of a principal is found (its own, else the account's root user's, which is also
 * what PutAccountSettingDefault sets, else ECS's default). Pure.
 */
import type { SettingName } from './records.js';

export interface AccountSetting {
  name: SettingName;
  value: string;
  principalArn: string;
  type: 'user' | 'aws_managed';
}

const ON_OFF = ['enabled', 'disabled'];

/** The values each setting takes (from the model's documentation) and its default when unset. */
export const SETTINGS: Readonly<Record<SettingName, { values: readonly string[]; default: string }>> = {
  serviceLongArnFormat: { values: ON_OFF, default: 'enabled' },
  taskLongArnFormat: { values: ON_OFF, default: 'enabled' },
  containerInstanceLongArnFormat: { values: ON_OFF, default: 'enabled' },
  awsvpcTrunking: { values: ON_OFF, default: 'disabled' },
  containerInsights: { values: ['enhanced', 'enabled', 'disabled'], default: 'disabled' },
  fargateFIPSMode: { values: ON_OFF, default: 'disabled' },
  tagResourceAuthorization: { values: ['on', 'off'], default: 'on' },
  fargateTaskRetirementWaitPeriod: { values: ['0', '7', '14'], default: '7' },
  guardDutyActivate: { values: ['on', 'off'], default: 'off' },
  defaultLogDriverMode: { values: ['blocking', 'non-blocking'], default: 'non-blocking' },
  fargateEventWindows: { values: ON_OFF, default: 'disabled' },
};

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const rootArnOf = (accountId: string) => `arn:aws:iam::${accountId}:root`;

const PRINCIPAL = /^arn:aws[a-z-]*:iam::(\d{12}):(root|user\/.+|role\/.+)$/;

/** Why `principalArn` cannot hold settings in `accountId`, or undefined when it can. */
export function principalProblem(principalArn: string, accountId: string): string | undefined {
  const m = PRINCIPAL.exec(principalArn);
  if (!m) return `principalArn ${principalArn} is not the ARN of an IAM user, role or the root user.`;
  if (m[1] !== accountId) return `principalArn ${principalArn} is not in account ${accountId}.`;
  return undefined;
}

/**
 * Why `name` cannot be set to `value` (by `principalArn`), or undefined. Berth refuses what it
 * cannot honour: it mints only long ARNs, and guardDutyActivate is AWS's to set.
 */
export function settingProblem(name: SettingName, value: string, principalArn: string, accountId: string): string | undefined {
  const spec = SETTINGS[name];
  if (name === 'guardDutyActivate') return 'guardDutyActivate is read-only: Amazon GuardDuty manages it.';
  if (!spec.values.includes(value)) return `The value ${value} for the account setting ${name} is not valid. Valid values are ${spec.values.join(', ')}.`;
  if (name.endsWith('LongArnFormat') && value !== 'enabled') return `${name} cannot be disabled: Berth uses the long ARN format only.`;
  if (name === 'fargateTaskRetirementWaitPeriod' && principalArn !== rootArnOf(accountId)) {
    return 'fargateTaskRetirementWaitPeriod can only be set by the root user.';
  }
  return undefined;
}

/** The setting in force for `principalArn`, from what is stored (explicit settings by principal). */
export function effectiveSetting(name: SettingName, principalArn: string, accountId: string, stored: readonly AccountSetting[]): AccountSetting {
  const own = stored.find((s) => s.name === name && s.principalArn === principalArn);
  if (own) return own;
  const root = stored.find((s) => s.name === name && s.principalArn === rootArnOf(accountId));
  const value = root?.value ?? SETTINGS[name].default;
  return { name, value, principalArn, type: name === 'guardDutyActivate' ? 'aws_managed' : 'user' };
}
