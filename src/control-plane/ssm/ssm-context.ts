/** What the SSM handlers share: dependencies, the caller, the stored parameters of a region. */
import type { SealedBox } from '../../platform/sealed-box.js';
import type { Store } from '../../store/store.js';
import type { RequestContext } from '../api/operation.js';
import { keys } from '../../domain/keys.js';
import type { ParameterRecord } from '../../domain/ssm/parameter.js';

export interface SsmDeps {
  readonly store: Store;
  readonly sealedBox: SealedBox;
}

/** The IAM identity Berth records as LastModifiedUser: the account's root (Berth has no IAM). */
export const callerArn = (ctx: Pick<RequestContext, 'accountId'>) => `arn:aws:iam::${ctx.accountId}:root`;

export async function readParameter(store: Store, region: string, name: string) {
  return store.get<ParameterRecord>(keys.ssmParameter(region, name));
}

/** Every parameter of the region, sorted by name (SSM lists in name order). */
export async function allParameters(store: Store, region: string): Promise<ParameterRecord[]> {
  const { records } = await store.list<ParameterRecord>(keys.ssmParameters(region));
  return records.map((r) => r.value).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
