/**
 * Parameter Store's parameter operations: PutParameter, GetParameter(s), GetParametersByPath,
 * DeleteParameter(s), DescribeParameters, GetParameterHistory. Values are sealed at rest and opened
 * only for the answer that asks for them (`WithDecryption` for SecureString).
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { checkParameterName, isUnderPath, parameterArn, parseParameterRef, type ArnScope, type ParameterRef } from '../../domain/ssm/parameter-name.js';
import {
  sealAad,
  selectVersion,
  settlePut,
  withVersion,
  type ParameterRecord,
  type ParameterVersionRecord,
  type PutParameterInput,
} from '../../domain/ssm/parameter.js';
import { checkParameterFilter, filtersNeedTags, matchesParameterFilters, type ParameterStringFilter } from '../../domain/ssm/parameter-filter.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { updateRecord } from '../../store/record-update.js';
import { pageByKey } from './page-token.js';
import { putTags, tagsOf } from './tag-record.js';
import { allParameters, callerArn, readParameter, type SsmDeps } from './ssm-context.js';

const notFound = (name: string) => new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
const invalidToken = () => new AwsError('InvalidNextToken', 'The specified token is not valid.');

export function parameterHandlers(deps: SsmDeps): Handlers<'ssm'> {
  const { store, sealedBox } = deps;

  const open = (rec: ParameterRecord, v: ParameterVersionRecord, decrypt: boolean): string =>
    v.type === 'SecureString' && !decrypt ? v.sealedValue : sealedBox.open(v.sealedValue, sealAad(rec.arn, v.version));

  const render = (rec: ParameterRecord, v: ParameterVersionRecord, decrypt: boolean, selector?: string) => ({
    Name: rec.name,
    Type: v.type,
    Value: open(rec, v, decrypt),
    Version: v.version,
    ...(selector ? { Selector: selector } : {}),
    LastModifiedDate: v.lastModifiedDate,
    ARN: rec.arn,
    DataType: v.dataType,
  });

  const metadata = (rec: ParameterRecord) => {
    const v = rec.versions.at(-1) as ParameterVersionRecord;
    return {
      Name: rec.name,
      ARN: rec.arn,
      Type: v.type,
      ...(v.keyId ? { KeyId: v.keyId } : {}),
      LastModifiedDate: v.lastModifiedDate,
      LastModifiedUser: v.lastModifiedUser,
      ...(v.description !== undefined ? { Description: v.description } : {}),
      ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
      Version: v.version,
      Tier: v.tier,
      Policies: [],
      DataType: v.dataType,
    };
  };

  /** The record a reference names, trying an ARN's top-level name both ways. */
  const find = async (region: string, ref: ParameterRef) => {
    const rec = (await readParameter(store, region, ref.name)) ?? (ref.alternate ? await readParameter(store, region, ref.alternate) : undefined);
    return rec?.value;
  };

  const resolve = async (ctx: RequestContext, ref: string, decrypt: boolean) => {
    const parsed = parseParameterRef(ctx, ref);
    const rec = await find(ctx.region, parsed);
    if (!rec) return { missing: 'parameter' as const };
    const v = selectVersion(rec, parsed);
    if (!v) return { missing: 'version' as const };
    return { parameter: render(rec, v, decrypt, parsed.selector) };
  };

  return {
    async PutParameter(input: PutParameterInput, ctx: RequestContext): Reply<'ssm', 'PutParameter'> {
      checkParameterName(ctx, input.Name);
      const arn = parameterArn(ctx, input.Name);
      const key = keys.ssmParameter(ctx.region, input.Name);
      let created = false;
      const rec = await updateRecord<ParameterRecord>(store, key, (cur) => {
        const settled = settlePut(cur, input, ctx.now, callerArn(ctx));
        created = cur === undefined;
        return withVersion(cur, input.Name, arn, { ...settled, sealedValue: sealedBox.seal(input.Value, sealAad(arn, settled.version)) });
      });
      if (created && input.Tags && input.Tags.length > 0) await putTags(store, arn, input.Tags);
      const v = rec.value?.versions.at(-1) as ParameterVersionRecord;
      return { Version: v.version, Tier: v.tier };
    },

    async GetParameter(input: { Name: string; WithDecryption?: boolean }, ctx: RequestContext): Reply<'ssm', 'GetParameter'> {
      const r = await resolve(ctx, input.Name, input.WithDecryption === true);
      if (r.missing === 'parameter') throw notFound(input.Name);
      if (r.missing === 'version') {
        throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${input.Name} of the parameter.`);
      }
      return { Parameter: r.parameter };
    },

    async GetParameters(input: { Names: string[]; WithDecryption?: boolean }, ctx: RequestContext): Reply<'ssm', 'GetParameters'> {
      const Parameters = [];
      const InvalidParameters: string[] = [];
      for (const name of new Set(input.Names)) {
        const r = await resolve(ctx, name, input.WithDecryption === true);
        if (r.parameter) Parameters.push(r.parameter);
        else InvalidParameters.push(name);
      }
      return { Parameters, InvalidParameters };
    },

    async GetParametersByPath(
      input: {
        Path: string;
        Recursive?: boolean;
        ParameterFilters?: ParameterStringFilter[];
        WithDecryption?: boolean;
        MaxResults?: number;
        NextToken?: string;
      },
      ctx: RequestContext,
    ): Reply<'ssm', 'GetParametersByPath'> {
      if (!input.Path.startsWith('/')) {
        throw new AwsError(
          'ValidationException',
          `The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". (Path ${JSON.stringify(input.Path)})`,
        );
      }
      for (const f of input.ParameterFilters ?? []) {
        if (f.Key === 'Name' || f.Key === 'Path' || f.Key === 'Tier') {
          throw new AwsError(
            'InvalidFilterKey',
            `The following filter key is not valid: ${f.Key}. Valid filter keys include: [Type, KeyId, Label, DataType, tag:key].`,
          );
        }
      }
      const filters = input.ParameterFilters ?? [];
      filters.forEach(checkParameterFilter);
      const under = await filtered(ctx.region, filters, (rec) => isUnderPath(rec.name, input.Path, input.Recursive === true));
      const page = pageByKey(under, (r) => r.name, input.MaxResults ?? 10, input.NextToken, invalidToken);
      return {
        Parameters: page.items.map((rec) => render(rec, rec.versions.at(-1) as ParameterVersionRecord, input.WithDecryption === true)),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },

    async DescribeParameters(
      input: {
        Filters?: { Key: string; Values: string[] }[];
        ParameterFilters?: ParameterStringFilter[];
        MaxResults?: number;
        NextToken?: string;
        Shared?: boolean;
      },
      ctx: RequestContext,
    ): Reply<'ssm', 'DescribeParameters'> {
      if (input.Shared === true) {
        throw new AwsError('ValidationException', 'Shared: Berth has one account, so no parameter is shared with it.');
      }
      if (input.Filters && input.ParameterFilters) {
        throw new AwsError('ValidationException', 'You can use either Filters or ParameterFilters in a single request.');
      }
      // The deprecated Filters are ParameterFilters with Equals.
      const filters: ParameterStringFilter[] = input.ParameterFilters ?? (input.Filters ?? []).map((f) => ({ Key: f.Key, Option: 'Equals', Values: f.Values }));
      for (const f of filters) {
        if (f.Key === 'Label') {
          throw new AwsError(
            'InvalidFilterKey',
            'The following filter key is not valid: Label. Valid filter keys include: [Name, Type, KeyId, Path, Tier, DataType, tag:key].',
          );
        }
      }
      filters.forEach(checkParameterFilter);
      const matching = await filtered(ctx.region, filters, () => true);
      const page = pageByKey(matching, (r) => r.name, input.MaxResults ?? 50, input.NextToken, invalidToken);
      return { Parameters: page.items.map(metadata), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
    },

    async GetParameterHistory(
      input: { Name: string; WithDecryption?: boolean; MaxResults?: number; NextToken?: string },
      ctx: RequestContext,
    ): Reply<'ssm', 'GetParameterHistory'> {
      const rec = await find(ctx.region, parseParameterRef(ctx, input.Name));
      if (!rec) throw notFound(input.Name);
      const byVersion = (v: ParameterVersionRecord) => String(v.version).padStart(6, '0');
      const page = pageByKey(rec.versions, byVersion, input.MaxResults ?? 50, input.NextToken, invalidToken);
      return {
        Parameters: page.items.map((v) => ({
          Name: rec.name,
          Type: v.type,
          ...(v.keyId ? { KeyId: v.keyId } : {}),
          LastModifiedDate: v.lastModifiedDate,
          LastModifiedUser: v.lastModifiedUser,
          ...(v.description !== undefined ? { Description: v.description } : {}),
          Value: open(rec, v, input.WithDecryption === true),
          ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
          Version: v.version,
          Labels: [...v.labels],
          Tier: v.tier,
          Policies: [],
          DataType: v.dataType,
        })),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },

    async DeleteParameter(input: { Name: string }, ctx: RequestContext): Reply<'ssm', 'DeleteParameter'> {
      if (!(await deleteOne(ctx, input.Name))) throw notFound(input.Name);
      return {};
    },

    async DeleteParameters(input: { Names: string[] }, ctx: RequestContext): Reply<'ssm', 'DeleteParameters'> {
      const DeletedParameters: string[] = [];
      const InvalidParameters: string[] = [];
      for (const name of new Set(input.Names)) ((await deleteOne(ctx, name)) ? DeletedParameters : InvalidParameters).push(name);
      return { DeletedParameters, InvalidParameters };
    },
  };

  async function filtered(region: string, filters: readonly ParameterStringFilter[], where: (rec: ParameterRecord) => boolean) {
    const out: ParameterRecord[] = [];
    for (const rec of await allParameters(store, region)) {
      if (!where(rec)) continue;
      const tags = filtersNeedTags(filters) ? await tagsOf(store, rec.arn) : {};
      if (matchesParameterFilters(rec, filters, tags)) out.push(rec);
    }
    return out;
  }

  async function deleteOne(scope: ArnScope, name: string): Promise<boolean> {
    const key = keys.ssmParameter(scope.region, name);
    const rec = await store.get<ParameterRecord>(key);
    if (!rec) return false;
    // The parameter and its tags go together, or a racing delete already took them.
    const { succeeded } = await store.txn({
      compares: [{ key, modRevision: rec.modRevision }],
      success: [
        { type: 'delete', key },
        { type: 'delete', key: keys.tags(rec.value.arn) },
      ],
    });
    return succeeded;
  }
}
