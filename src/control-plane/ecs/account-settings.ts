/**
 * PutAccountSetting, PutAccountSettingDefault, ListAccountSettings, DeleteAccountSetting. Settings
 * are per region and per principal; Berth has one account and no IAM, so the caller is the
 * account's root user unless `principalArn` names another principal. containerInsights is honoured
 * (it is what a new cluster's settings default to); the others that change nothing in Berth are
 * stored and echoed, and the ones Berth cannot honour are refused (domain/ecs/account-setting.ts).
 */
import type { Store } from '../../store/store.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { keys } from '../../domain/keys.js';
import type { SettingName } from '../../domain/ecs/records.js';
import { effectiveSetting, principalProblem, rootArnOf, SETTING_NAMES, settingProblem, type AccountSetting } from '../../domain/ecs/account-setting.js';
import { errors, listValues, type EcsDeps } from './ecs-context.js';
import { paginate } from './paging.js';

type Ctx = Pick<RequestContext, 'region' | 'accountId'>;

/** The principal a request acts for: the one it names (checked), else the root user. */
function principalOf(principalArn: string | undefined, ctx: Ctx): string {
  if (principalArn === undefined) return rootArnOf(ctx.accountId);
  const problem = principalProblem(principalArn, ctx.accountId);
  if (problem) throw errors.invalid(problem);
  return principalArn;
}

/** The account setting `name` in force for the root user in `ctx`'s region (what new clusters take). */
export async function accountSettingValue(store: Store, name: SettingName, ctx: Ctx): Promise<string> {
  const stored = await listValues<AccountSetting>(store, keys.accountSettings(ctx.region));
  return effectiveSetting(name, rootArnOf(ctx.accountId), ctx.accountId, stored).value;
}

export function accountSettingHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  const put = async (name: SettingName, value: string, principalArn: string, ctx: Ctx) => {
    const problem = settingProblem(name, value, principalArn, ctx.accountId);
    if (problem) throw errors.invalid(problem);
    const setting: AccountSetting = { name, value, principalArn, type: 'user' };
    await store.put(keys.accountSetting(ctx.region, principalArn, name), setting);
    return { setting };
  };
  return {
    async PutAccountSetting(input, ctx): Reply<'ecs', 'PutAccountSetting'> {
      return put(input.name, input.value, principalOf(input.principalArn, ctx), ctx);
    },

    // The default for every principal without its own setting is the root user's setting.
    async PutAccountSettingDefault(input, ctx): Reply<'ecs', 'PutAccountSettingDefault'> {
      return put(input.name, input.value, rootArnOf(ctx.accountId), ctx);
    },

    async DeleteAccountSetting(input, ctx): Reply<'ecs', 'DeleteAccountSetting'> {
      const principalArn = principalOf(input.principalArn, ctx);
      if (input.name === 'guardDutyActivate') throw errors.invalid('guardDutyActivate is read-only: Amazon GuardDuty manages it.');
      const key = keys.accountSetting(ctx.region, principalArn, input.name);
      const existing = await store.get<AccountSetting>(key);
      if (existing) await store.delete(key);
      // What the principal has once its own setting is gone.
      const stored = await listValues<AccountSetting>(store, keys.accountSettings(ctx.region));
      return { setting: existing?.value ?? effectiveSetting(input.name, principalArn, ctx.accountId, stored) };
    },

    async ListAccountSettings(input, ctx): Reply<'ecs', 'ListAccountSettings'> {
      if (input.value !== undefined && input.name === undefined) throw errors.invalid('value: you must also specify an account setting name.');
      const max = input.maxResults ?? 10;
      if (!Number.isInteger(max) || max < 1 || max > 10) throw errors.invalid('maxResults must be between 1 and 10.');
      const principalArn = principalOf(input.principalArn, ctx);
      const stored = await listValues<AccountSetting>(store, keys.accountSettings(ctx.region));
      const names = input.name !== undefined ? [input.name] : SETTING_NAMES;
      const settings = input.effectiveSettings
        ? names.map((n) => effectiveSetting(n, principalArn, ctx.accountId, stored))
        : stored.filter((s) => s.principalArn === principalArn && names.includes(s.name));
      const page = paginate(
        settings.filter((s) => input.value === undefined || s.value === input.value),
        (s) => s.name,
        { ...input, maxResults: max },
      );
      return { settings: page.items, nextToken: page.nextToken };
    },
  };
}
