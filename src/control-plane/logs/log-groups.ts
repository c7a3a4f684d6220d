/** CloudWatch Logs' log-group operations: create, delete, describe, retention. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { checkRetention } from '../../domain/logs/log-events.js';
import { isLogGroupName, logGroupArn, type LogGroupRecord, type LogChunkRecord } from '../../domain/logs/log-records.js';
import type { Store } from '../../store/store.js';
import { updateRecord } from '../../store/record-update.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { pageByKey } from '../ssm/page-token.js';
import { putTags } from '../ssm/tag-record.js';
import { deleteGroupTree, groupNotFound, requireGroup } from './log-store.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const invalidToken = () => invalid('The specified nextToken is not valid.');

interface CreateLogGroupInput {
  logGroupName: string;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  logGroupClass?: string;
  deletionProtectionEnabled?: boolean;
}

interface DescribeLogGroupsInput {
  accountIdentifiers?: string[];
  logGroupNamePrefix?: string;
  logGroupNamePattern?: string;
  nextToken?: string;
  limit?: number;
  includeLinkedAccounts?: boolean;
  logGroupClass?: string;
  logGroupIdentifiers?: string[];
}

export function checkGroupName(name: string): void {
  if (!isLogGroupName(name)) {
    throw invalid(
      `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
}

export function logGroupHandlers({ store }: { store: Store }): Handlers<'logs'> {
  const render = async (ctx: RequestContext, g: LogGroupRecord) => {
    const chunks = (await store.list<LogChunkRecord>(keys.logChunksOf(ctx.region, g.name))).records;
    const storedBytes = chunks.reduce((n, c) => n + c.value.events.reduce((m, e) => m + Buffer.byteLength(e.m, 'utf8'), 0), 0);
    return {
      logGroupName: g.name,
      creationTime: g.creationTime,
      ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      metricFilterCount: 0,
      arn: `${logGroupArn(ctx, g.name)}:*`,
      storedBytes,
      logGroupClass: 'STANDARD',
      logGroupArn: logGroupArn(ctx, g.name),
      deletionProtectionEnabled: g.deletionProtectionEnabled,
    };
  };

  const setRetention = async (ctx: RequestContext, name: string, days: number | undefined) => {
    await requireGroup(store, ctx.region, name);
    await updateRecord<LogGroupRecord>(store, keys.logGroup(ctx.region, name), (cur) => {
      if (!cur) throw groupNotFound();
      const { retentionInDays: _old, ...rest } = cur;
      return days === undefined ? rest : { ...rest, retentionInDays: days };
    });
    return {};
  };

  return {
    async CreateLogGroup(input: CreateLogGroupInput, ctx: RequestContext): Reply<'logs', 'CreateLogGroup'> {
      checkGroupName(input.logGroupName);
      if (input.kmsKeyId !== undefined) throw invalid('kmsKeyId: Berth has no KMS; log groups are stored in its data dir.');
      if (input.logGroupClass !== undefined && input.logGroupClass !== 'STANDARD') {
        throw invalid(`logGroupClass: Berth keeps STANDARD log groups only (got ${input.logGroupClass}).`);
      }
      const group: LogGroupRecord = { name: input.logGroupName, creationTime: ctx.now, deletionProtectionEnabled: input.deletionProtectionEnabled === true };
      const key = keys.logGroup(ctx.region, input.logGroupName);
      const { succeeded } = await store.txn({ compares: [{ key, modRevision: 0 }], success: [{ type: 'put', key, value: group }] });
      if (!succeeded) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
      if (input.tags && Object.keys(input.tags).length > 0) {
        await putTags(
          store,
          logGroupArn(ctx, input.logGroupName),
          Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
        );
      }
      return {};
    },

    async DeleteLogGroup(input: { logGroupName: string }, ctx: RequestContext): Reply<'logs', 'DeleteLogGroup'> {
      const { value } = await requireGroup(store, ctx.region, input.logGroupName);
      if (value.deletionProtectionEnabled) {
        throw new AwsError('ValidationException', `Log group ${input.logGroupName} has deletion protection enabled; turn it off before deleting it.`);
      }
      await deleteGroupTree(store, ctx.region, input.logGroupName);
      await store.delete(keys.tags(logGroupArn(ctx, input.logGroupName)));
      return {};
    },

    async DescribeLogGroups(input: DescribeLogGroupsInput, ctx: RequestContext): Reply<'logs', 'DescribeLogGroups'> {
      if (input.accountIdentifiers !== undefined || input.includeLinkedAccounts === true) {
        throw invalid('accountIdentifiers/includeLinkedAccounts: Berth has one account and no linked ones.');
      }
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw invalid('LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.');
      }
      const pattern = input.logGroupNamePattern?.toLowerCase();
      const ids = input.logGroupIdentifiers?.map((id) =>
        id.startsWith('arn:') ? id.replace(/^arn:aws:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '') : id,
      );
      const groups = (await store.list<LogGroupRecord>(keys.logGroups(ctx.region))).records
        .map((r) => r.value)
        .filter((g) => input.logGroupNamePrefix === undefined || g.name.startsWith(input.logGroupNamePrefix))
        .filter((g) => pattern === undefined || g.name.toLowerCase().includes(pattern))
        .filter((g) => input.logGroupClass === undefined || input.logGroupClass === 'STANDARD')
        .filter((g) => ids === undefined || ids.includes(g.name))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const page = pageByKey(groups, (g) => g.name, input.limit ?? 50, input.nextToken, invalidToken);
      return {
        logGroups: await Promise.all(page.items.map((g) => render(ctx, g))),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },

    async PutRetentionPolicy(input: { logGroupName: string; retentionInDays: number }, ctx: RequestContext): Reply<'logs', 'PutRetentionPolicy'> {
      checkRetention(input.retentionInDays);
      return setRetention(ctx, input.logGroupName, input.retentionInDays);
    },

    async DeleteRetentionPolicy(input: { logGroupName: string }, ctx: RequestContext): Reply<'logs', 'DeleteRetentionPolicy'> {
      return setRetention(ctx, input.logGroupName, undefined);
    },
  };
}
