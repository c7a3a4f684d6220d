/**
 * PutMetricAlarm, DescribeAlarms, DeleteAlarms and SetAlarmState over alarm records in the store.
 * A new alarm starts in INSUFFICIENT_DATA, as in CloudWatch, and the evaluator (alarm-evaluator.ts)
 * moves it on its next pass. Alarm actions are Application Auto Scaling policy ARNs only (alarm-actions.ts);
 * the auto scaler invokes them.
 */
import { AwsError } from '../../domain/aws-error.js';
import { alarmConfig, type AlarmRecord, type AlarmState } from '../../domain/cloudwatch/alarm.js';
import { keys } from '../../domain/keys.js';
import { checkAlarmActions } from './alarm-actions.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { MetricAlarmOut } from '../api/wire-types/cloudwatch.js';

const notFound = (name: string) => new AwsError('ResourceNotFound', `Alarm ${name} does not exist.`);

export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

export async function alarmsOf(store: Store, region?: string): Promise<AlarmRecord[]> {
  return (await store.list<AlarmRecord>(keys.alarms(region))).records.map((r) => r.value);
}

function describe(a: AlarmRecord): MetricAlarmOut {
  return {
    AlarmName: a.name,
    AlarmArn: a.arn,
    ...(a.description !== undefined ? { AlarmDescription: a.description } : {}),
    AlarmConfigurationUpdatedTimestamp: a.configurationUpdatedAt,
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.state,
    StateReason: a.stateReason,
    ...(a.stateReasonData !== undefined ? { StateReasonData: a.stateReasonData } : {}),
    StateUpdatedTimestamp: a.stateUpdatedAt,
    StateTransitionedTimestamp: a.stateTransitionedAt,
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Dimensions: a.dimensions,
    Period: a.periodSeconds,
    ...(a.unit !== undefined ? { Unit: a.unit } : {}),
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
  };
}

const PAGE = 50;

export function alarmHandlers(store: Store): Handlers<'cloudwatch'> {
  return {
    async PutMetricAlarm(input, ctx): Reply<'cloudwatch', 'PutMetricAlarm'> {
      const config = alarmConfig(input);
      checkAlarmActions(input, ctx.region);
      const key = keys.alarm(ctx.region, input.AlarmName);
      const had = await store.get<AlarmRecord>(key);
      const record: AlarmRecord = {
        name: input.AlarmName,
        arn: alarmArn(ctx.region, ctx.accountId, input.AlarmName),
        region: ctx.region,
        ...(input.AlarmDescription !== undefined ? { description: input.AlarmDescription } : {}),
        actionsEnabled: input.ActionsEnabled ?? true,
        alarmActions: input.AlarmActions ?? [],
        okActions: input.OKActions ?? [],
        insufficientDataActions: input.InsufficientDataActions ?? [],
        ...config,
        dimensions: input.Dimensions ?? [],
        ...(input.Unit !== undefined ? { unit: input.Unit } : {}),
        tags: had?.value.tags ?? input.Tags ?? [],
        configurationUpdatedAt: ctx.now,
        // Updating an alarm keeps its state until the next evaluation, as CloudWatch does.
        state: had?.value.state ?? 'INSUFFICIENT_DATA',
        stateReason: had?.value.stateReason ?? 'Unchecked: Initial alarm creation',
        ...(had?.value.stateReasonData !== undefined ? { stateReasonData: had.value.stateReasonData } : {}),
        stateUpdatedAt: had?.value.stateUpdatedAt ?? ctx.now,
        stateTransitionedAt: had?.value.stateTransitionedAt ?? ctx.now,
      };
      await store.put(key, record, had ? { expectedRevision: had.modRevision } : { expectedRevision: 0 });
      return {};
    },

    async DescribeAlarms(input, ctx): Reply<'cloudwatch', 'DescribeAlarms'> {
      const types = input.AlarmTypes ?? ['MetricAlarm'];
      if (input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined) return { MetricAlarms: [], CompositeAlarms: [] };
      if (!types.includes('MetricAlarm')) return { MetricAlarms: [], CompositeAlarms: [] };
      const names = input.AlarmNames;
      const all = (await alarmsOf(store, ctx.region))
        .filter((a) => names === undefined || names.length === 0 || names.includes(a.name))
        .filter((a) => input.AlarmNamePrefix === undefined || a.name.startsWith(input.AlarmNamePrefix))
        .filter((a) => input.StateValue === undefined || a.state === input.StateValue)
        .filter(
          (a) =>
            input.ActionPrefix === undefined ||
            [...a.alarmActions, ...a.okActions, ...a.insufficientDataActions].some((x) => x.startsWith(input.ActionPrefix!)),
        )
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const max = input.MaxRecords ?? PAGE;
      let start = 0;
      if (input.NextToken !== undefined) {
        start = all.findIndex((a) => a.name > Buffer.from(input.NextToken!, 'base64url').toString('utf8'));
        if (!/^[A-Za-z0-9_-]+$/.test(input.NextToken)) throw new AwsError('InvalidNextToken', 'The value for NextToken is not valid.');
        if (start < 0) start = all.length;
      }
      const page = all.slice(start, start + max);
      const more = start + max < all.length;
      return {
        MetricAlarms: page.map(describe),
        CompositeAlarms: [],
        ...(more ? { NextToken: Buffer.from(page[page.length - 1]!.name, 'utf8').toString('base64url') } : {}),
      };
    },

    async DeleteAlarms(input, ctx): Reply<'cloudwatch', 'DeleteAlarms'> {
      // CloudWatch deletes what exists and names the first missing one.
      let missing: string | undefined;
      for (const name of input.AlarmNames) {
        const key = keys.alarm(ctx.region, name);
        if (await store.get(key)) await store.delete(key);
        else missing ??= name;
      }
      if (missing !== undefined) throw notFound(missing);
      return {};
    },

    async SetAlarmState(input, ctx): Reply<'cloudwatch', 'SetAlarmState'> {
      const key = keys.alarm(ctx.region, input.AlarmName);
      const had = await store.get<AlarmRecord>(key);
      if (!had) throw notFound(input.AlarmName);
      if (input.StateReasonData !== undefined) {
        try {
          JSON.parse(input.StateReasonData);
        } catch {
          throw new AwsError('InvalidFormat', 'The value for StateReasonData is not valid JSON.');
        }
      }
      await store.put(key, withState(had.value, input.StateValue, input.StateReason, input.StateReasonData, ctx.now), { expectedRevision: had.modRevision });
      return {};
    },
  };
}

/** The record with a new state; the transition time moves only when the state changes. */
export function withState(a: AlarmRecord, state: AlarmState, reason: string, reasonData: string | undefined, now: number): AlarmRecord {
  const { stateReasonData: _, ...rest } = a;
  return {
    ...rest,
    state,
    stateReason: reason,
    ...(reasonData !== undefined ? { stateReasonData: reasonData } : {}),
    stateUpdatedAt: now,
    stateTransitionedAt: state === a.state ? a.stateTransitionedAt : now,
  };
}
