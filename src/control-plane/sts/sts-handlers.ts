/**
 * STS on the same endpoint: `GetCallerIdentity`, which tools call first to learn the account
 * (Terraform's provider, `aws sts get-caller-identity` in scripts). Berth has no IAM: the caller is
 * named after its access key, in the configured account. Unsigned (only under `--auth none`) the
 * caller is the account's root.
 */
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { Handlers, Reply, RequestContext, ServiceHandlers } from '../api/operation.js';

export interface CallerIdentity {
  readonly UserId: string;
  readonly Account: string;
  readonly Arn: string;
}

export function callerIdentity(ctx: Pick<RequestContext, 'accountId' | 'accessKeyId'>): CallerIdentity {
  if (ctx.accessKeyId === undefined) return { UserId: ctx.accountId, Account: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root` };
  return { UserId: ctx.accessKeyId, Account: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:user/${ctx.accessKeyId}` };
}

export function createStsHandlers(): ServiceHandlers {
  const handlers: Handlers<'sts'> = {
    async GetCallerIdentity(_input, ctx): Reply<'sts', 'GetCallerIdentity'> {
      return callerIdentity(ctx);
    },
  };
  return guardFieldSupport('sts', handlers);
}
