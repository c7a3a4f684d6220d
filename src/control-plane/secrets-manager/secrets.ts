/**
 * Secrets Manager's secret operations: CreateSecret, GetSecretValue, PutSecretValue, UpdateSecret,
 * DescribeSecret, ListSecrets, DeleteSecret (recovery window or forced), RestoreSecret, and tags.
 * Values are sealed at rest; only GetSecretValue opens them. A secret whose recovery window has ended
 * is purged the next time anything looks at it, so no timer is needed for it to go.
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import {
  addVersion,
  checkKmsKey,
  checkNotScheduled,
  checkSecretName,
  deletionDate,
  isGone,
  sealAad,
  selectSecretVersion,
  valueOf,
  type SecretRecord,
  type SecretVersionRecord,
} from '../../domain/secrets-manager/secret.js';
import { checkSecretFilter, matchesSecretFilters, type SecretFilter } from '../../domain/secrets-manager/secret-filter.js';
import type { Random } from '../../platform/random.js';
import type { SealedBox } from '../../platform/sealed-box.js';
import type { Store, StoredRecord } from '../../store/store.js';
import { updateRecord } from '../../store/record-update.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { pageByKey } from '../ssm/page-token.js';
import { putTags, tagsOf } from '../ssm/tag-record.js';

export interface SecretsManagerDeps {
  readonly store: Store;
  readonly random: Random;
  readonly sealedBox: SealedBox;
}

type Tag = { Key?: string; Value?: string };

interface CreateSecretInput {
  Name: string;
  ClientRequestToken?: string;
  Description?: string;
  KmsKeyId?: string;
  SecretBinary?: Uint8Array;
  SecretString?: string;
  Tags?: Tag[];
  AddReplicaRegions?: unknown[];
  ForceOverwriteReplicaSecret?: boolean;
}

const notFound = () => new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const SUFFIX = /-[a-zA-Z0-9]{6}$/;

export function secretHandlers(deps: SecretsManagerDeps): Handlers<'secretsmanager'> {
  const { store, random, sealedBox } = deps;

  const suffix = () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length: 6 }, () => alphabet[Math.floor(random.next() * alphabet.length)]).join('');
  };

  /** The stored secret a SecretId names (a name, a full ARN or a partial ARN), purging a gone one. */
  const find = async (ctx: RequestContext, secretId: string): Promise<StoredRecord<SecretRecord> | undefined> => {
    const prefix = `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:`;
    const candidates: { name: string; arn?: string }[] = [];
    if (secretId.startsWith(prefix)) {
      const rest = secretId.slice(prefix.length);
      candidates.push({ name: rest });
      if (SUFFIX.test(rest)) candidates.push({ name: rest.replace(SUFFIX, ''), arn: secretId });
    } else if (!secretId.startsWith('arn:')) {
      candidates.push({ name: secretId });
    }
    for (const c of candidates) {
      const rec = await store.get<SecretRecord>(keys.secret(ctx.region, c.name));
      if (!rec || (c.arn !== undefined && rec.value.arn !== c.arn)) continue;
      if (isGone(rec.value, ctx.now)) {
        await purge(ctx.region, rec);
        return undefined;
      }
      return rec;
    }
    return undefined;
  };

  const require = async (ctx: RequestContext, secretId: string) => {
    const rec = await find(ctx, secretId);
    if (!rec) throw notFound();
    return rec;
  };

  const purge = async (region: string, rec: StoredRecord<SecretRecord>) => {
    await store.txn({
      compares: [{ key: keys.secret(region, rec.value.name), modRevision: rec.modRevision }],
      success: [
        { type: 'delete', key: keys.secret(region, rec.value.name) },
        { type: 'delete', key: keys.tags(rec.value.arn) },
      ],
    });
  };

  const opened = (secret: SecretRecord, v: SecretVersionRecord) => sealedBox.open(v.sealedValue, sealAad(secret.arn, v.versionId));

  /** Adds a version to a stored secret with compare-and-set; returns the version's id and stages. */
  const putVersion = async (
    ctx: RequestContext,
    rec: StoredRecord<SecretRecord>,
    value: { text: string; binary: boolean },
    token: string | undefined,
    stages: readonly string[] | undefined,
    change: (s: SecretRecord) => SecretRecord = (s) => s,
  ) => {
    const versionId = token ?? random.uuid();
    const key = keys.secret(ctx.region, rec.value.name);
    const { value: next } = await updateRecord<SecretRecord>(store, key, (cur) => {
      if (!cur || cur.arn !== rec.value.arn) throw notFound();
      checkNotScheduled(cur, 'PutSecretValue');
      const sealedValue = sealedBox.seal(value.text, sealAad(cur.arn, versionId));
      return addVersion(
        change(cur),
        { versionId, sealedValue, binary: value.binary, ...(stages ? { stages } : {}), now: ctx.now },
        (existing) => existing.binary === value.binary && opened(cur, existing) === value.text,
      );
    });
    const v = next?.versions.find((x) => x.versionId === versionId);
    return { versionId, stages: v?.stages ?? [] };
  };

  const describe = async (secret: SecretRecord) => {
    const tags = await tagsOf(store, secret.arn);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description !== undefined ? { Description: secret.description } : {}),
      RotationEnabled: false,
      LastChangedDate: secret.lastChangedDate,
      ...(secret.deletedDate !== undefined ? { DeletedDate: secret.deletedDate } : {}),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      VersionIdsToStages: Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]])),
      CreatedDate: secret.createdDate,
    };
  };

  return {
    async CreateSecret(input: CreateSecretInput, ctx: RequestContext): Reply<'secretsmanager', 'CreateSecret'> {
      checkSecretName(input.Name);
      checkKmsKey(input.KmsKeyId);
      if (input.AddReplicaRegions !== undefined || input.ForceOverwriteReplicaSecret !== undefined) {
        throw new AwsError('InvalidParameterException', 'AddReplicaRegions: Berth serves one region, so a secret has no replicas.');
      }
      const value = valueOf(input);
      const key = keys.secret(ctx.region, input.Name);
      const existing = await store.get<SecretRecord>(key);
      if (existing && isGone(existing.value, ctx.now)) await purge(ctx.region, existing);
      else if (existing) {
        if (existing.value.deletedDate !== undefined) {
          throw new AwsError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        // The same ClientRequestToken and value again is the same request: answer it once more.
        const same = input.ClientRequestToken && existing.value.versions.find((v) => v.versionId === input.ClientRequestToken);
        if (same && value && same.binary === value.binary && opened(existing.value, same) === value.text) {
          return { ARN: existing.value.arn, Name: existing.value.name, VersionId: same.versionId };
        }
        throw new AwsError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
      }
      const arn = `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${input.Name}-${suffix()}`;
      let secret: SecretRecord = {
        name: input.Name,
        arn,
        ...(input.Description !== undefined ? { description: input.Description } : {}),
        createdDate: ctx.now,
        lastChangedDate: ctx.now,
        versions: [],
      };
      const versionId = value ? (input.ClientRequestToken ?? random.uuid()) : undefined;
      if (value && versionId) {
        secret = addVersion(
          secret,
          { versionId, sealedValue: sealedBox.seal(value.text, sealAad(arn, versionId)), binary: value.binary, now: ctx.now },
          () => false,
        );
      }
      const { succeeded } = await store.txn({
        compares: [{ key, modRevision: 0 }],
        success: [
          { type: 'put', key, value: secret },
          ...(input.Tags && input.Tags.length > 0 ? [{ type: 'put' as const, key: keys.tags(arn), value: tagMap(input.Tags) }] : []),
        ],
      });
      if (!succeeded) throw new AwsError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
      return { ARN: arn, Name: input.Name, ...(versionId ? { VersionId: versionId } : {}) };
    },

    async GetSecretValue(
      input: { SecretId: string; VersionId?: string; VersionStage?: string },
      ctx: RequestContext,
    ): Reply<'secretsmanager', 'GetSecretValue'> {
      const { value: secret } = await require(ctx, input.SecretId);
      checkNotScheduled(secret, 'GetSecretValue');
      const v = selectSecretVersion(secret, input.VersionId, input.VersionStage);
      const text = opened(secret, v);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: v.versionId,
        ...(v.binary ? { SecretBinary: Buffer.from(text, 'base64') } : { SecretString: text }),
        VersionStages: [...v.stages],
        CreatedDate: v.createdDate,
      };
    },

    async PutSecretValue(
      input: {
        SecretId: string;
        ClientRequestToken?: string;
        SecretBinary?: Uint8Array;
        SecretString?: string;
        VersionStages?: string[];
        RotationToken?: string;
      },
      ctx: RequestContext,
    ): Reply<'secretsmanager', 'PutSecretValue'> {
      if (input.RotationToken !== undefined) {
        throw new AwsError('InvalidParameterException', 'RotationToken: Berth runs no rotation functions.');
      }
      const value = valueOf(input);
      if (!value) throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
      const rec = await require(ctx, input.SecretId);
      const v = await putVersion(ctx, rec, value, input.ClientRequestToken, input.VersionStages);
      return { ARN: rec.value.arn, Name: rec.value.name, VersionId: v.versionId, VersionStages: [...v.stages] };
    },

    async UpdateSecret(
      input: { SecretId: string; ClientRequestToken?: string; Description?: string; KmsKeyId?: string; SecretBinary?: Uint8Array; SecretString?: string },
      ctx: RequestContext,
    ): Reply<'secretsmanager', 'UpdateSecret'> {
      checkKmsKey(input.KmsKeyId);
      const value = valueOf(input);
      const rec = await require(ctx, input.SecretId);
      checkNotScheduled(rec.value, 'UpdateSecret');
      const describeChange = (s: SecretRecord): SecretRecord =>
        input.Description !== undefined ? { ...s, description: input.Description, lastChangedDate: ctx.now } : s;
      if (value) {
        const v = await putVersion(ctx, rec, value, input.ClientRequestToken, undefined, describeChange);
        return { ARN: rec.value.arn, Name: rec.value.name, VersionId: v.versionId };
      }
      await updateRecord<SecretRecord>(store, keys.secret(ctx.region, rec.value.name), (cur) => {
        if (!cur || cur.arn !== rec.value.arn) throw notFound();
        return describeChange(cur);
      });
      return { ARN: rec.value.arn, Name: rec.value.name };
    },

    async DescribeSecret(input: { SecretId: string }, ctx: RequestContext): Reply<'secretsmanager', 'DescribeSecret'> {
      return describe((await require(ctx, input.SecretId)).value);
    },

    async ListSecrets(
      input: {
        IncludePlannedDeletion?: boolean;
        MaxResults?: number;
        NextToken?: string;
        Filters?: SecretFilter[];
        SortOrder?: 'asc' | 'desc';
        SortBy?: string;
      },
      ctx: RequestContext,
    ): Reply<'secretsmanager', 'ListSecrets'> {
      if (input.SortBy !== undefined && input.SortBy !== 'created-date') {
        throw new AwsError('InvalidParameterException', `SortBy: Berth sorts secrets by created-date only, not ${input.SortBy}.`);
      }
      const filters = input.Filters ?? [];
      filters.forEach(checkSecretFilter);
      const { records } = await store.list<SecretRecord>(keys.secrets(ctx.region));
      const rows: { sortKey: string; secret: SecretRecord; tags: Record<string, string> }[] = [];
      for (const r of records) {
        if (isGone(r.value, ctx.now)) {
          await purge(ctx.region, r);
          continue;
        }
        if (r.value.deletedDate !== undefined && !input.IncludePlannedDeletion) continue;
        const tags = await tagsOf(store, r.value.arn);
        if (!matchesSecretFilters(r.value, tags, filters)) continue;
        const created = String(r.value.createdDate).padStart(15, '0');
        const sortKey = input.SortOrder === 'desc' ? `${String(1e15 - r.value.createdDate).padStart(15, '0')}/${r.value.name}` : `${created}/${r.value.name}`;
        rows.push({ sortKey, secret: r.value, tags });
      }
      rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
      const invalidToken = () => new AwsError('InvalidNextTokenException', 'The NextToken value is not valid.');
      const page = pageByKey(rows, (r) => r.sortKey, input.MaxResults ?? 100, input.NextToken, invalidToken);
      return {
        SecretList: await Promise.all(
          page.items.map(async ({ secret }) => {
            const { VersionIdsToStages, ...rest } = await describe(secret);
            return { ...rest, SecretVersionsToStages: VersionIdsToStages };
          }),
        ),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },

    async DeleteSecret(
      input: { SecretId: string; RecoveryWindowInDays?: number; ForceDeleteWithoutRecovery?: boolean },
      ctx: RequestContext,
    ): Reply<'secretsmanager', 'DeleteSecret'> {
      const rec = await require(ctx, input.SecretId);
      const when = deletionDate(input, ctx.now);
      if (input.ForceDeleteWithoutRecovery) {
        await purge(ctx.region, rec);
      } else {
        await updateRecord<SecretRecord>(store, keys.secret(ctx.region, rec.value.name), (cur) => {
          if (!cur || cur.arn !== rec.value.arn) throw notFound();
          // Deleting again keeps the first schedule, as Secrets Manager does.
          return cur.deletedDate !== undefined ? cur : { ...cur, deletedDate: when };
        });
      }
      return { ARN: rec.value.arn, Name: rec.value.name, DeletionDate: rec.value.deletedDate ?? when };
    },

    async RestoreSecret(input: { SecretId: string }, ctx: RequestContext): Reply<'secretsmanager', 'RestoreSecret'> {
      const rec = await require(ctx, input.SecretId);
      await updateRecord<SecretRecord>(store, keys.secret(ctx.region, rec.value.name), (cur) => {
        if (!cur || cur.arn !== rec.value.arn) throw notFound();
        const { deletedDate: _gone, ...kept } = cur;
        return kept;
      });
      return { ARN: rec.value.arn, Name: rec.value.name };
    },

    async TagResource(input: { SecretId: string; Tags: Tag[] }, ctx: RequestContext): Reply<'secretsmanager', 'TagResource'> {
      const rec = await require(ctx, input.SecretId);
      await putTags(
        store,
        rec.value.arn,
        input.Tags.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
      );
      return {};
    },

    async UntagResource(input: { SecretId: string; TagKeys: string[] }, ctx: RequestContext): Reply<'secretsmanager', 'UntagResource'> {
      const rec = await require(ctx, input.SecretId);
      await updateRecord<Record<string, string>>(store, keys.tags(rec.value.arn), (cur) => {
        const next = { ...cur };
        for (const k of input.TagKeys) delete next[k];
        return next;
      });
      return {};
    },
  };
}

const tagMap = (tags: Tag[]) => Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
