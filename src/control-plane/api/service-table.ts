/**
 * The services the one `POST /` speaks, one row each: the vendored model file (which carries the
 * protocol, the JSON target prefix or the Query `Version`, and the SigV4 signing name). Adding a
 * service is a row here and its handlers under the same name in the API server's options.
 * JSON services are found by X-Amz-Target's prefix, form services (Query, EC2) by `Version`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceModel } from './model.js';

export const SERVICE_TABLE = {
  ecs: { file: 'ecs-2014-11-13.service.json' },
  elbv2: { file: 'elbv2-2015-12-01.service.json' },
  ec2: { file: 'ec2-2016-11-15.subset.service.json' },
  sts: { file: 'sts-2011-06-15.service.json' },
  ssm: { file: 'ssm-2014-11-06.service.json' },
  secretsmanager: { file: 'secretsmanager-2017-10-17.service.json' },
  logs: { file: 'logs-2014-03-28.service.json' },
  acm: { file: 'acm-2015-12-08.service.json' },
  cloudwatch: { file: 'cloudwatch-2010-08-01.service.json' },
  applicationautoscaling: { file: 'application-autoscaling-2016-02-06.service.json' },
} as const satisfies Record<string, { readonly file: string }>;

export type ServiceName = keyof typeof SERVICE_TABLE;

export const SERVICE_NAMES = Object.keys(SERVICE_TABLE) as ServiceName[];

/** A form body without `Version` (or with one no model has) is taken for this service, as before STS. */
const DEFAULT_FORM_SERVICE: ServiceName = 'elbv2';

/** The service name a SigV4 credential scope must carry for this model (`elasticloadbalancing` for ELBv2). */
export function signingNameOf(model: ServiceModel): string {
  return model.metadata.signingName ?? model.metadata.endpointPrefix;
}

/** The JSON service whose target prefix starts `target` (`AmazonEC2ContainerServiceV20141113.ListClusters`). */
export function jsonServiceFor(target: string, models: readonly ServiceModel[]): ServiceModel | undefined {
  const dot = target.lastIndexOf('.');
  if (dot < 0) return undefined;
  const prefix = target.slice(0, dot);
  return models.find((m) => m.speaks('json') && m.metadata.targetPrefix === prefix);
}

/** The CBOR service a Smithy RPC v2 path names (`/service/GraniteServiceVersion20100801/operation/ListMetrics`). */
export function cborServiceFor(serviceName: string, models: readonly ServiceModel[]): ServiceModel | undefined {
  return models.find((m) => m.speaks('smithy-rpc-v2-cbor') && m.metadata.targetPrefix === serviceName);
}

/**
 * The form service a Query/EC2 request is for: the one whose API version it names; without a
 * version, the first (in table order, the default first) whose model has the action.
 */
export function formServiceFor(version: string | undefined, action: string | undefined, models: readonly ServiceModel[]): ServiceModel {
  const forms = models.filter((m) => m.speaks('query') || m.speaks('ec2'));
  const byVersion = forms.find((m) => m.metadata.apiVersion === version);
  if (byVersion) return byVersion;
  const fallback = forms.find((m) => m.service === DEFAULT_FORM_SERVICE)!;
  if (version !== undefined || action === undefined) return fallback;
  return [fallback, ...forms].find((m) => m.operations.has(action)) ?? fallback;
}

let ec2Names: ReadonlySet<string> | undefined;

/**
 * Every operation of the full EC2 model (the subset model holds only the ones Berth implements):
 * these answer UnsupportedOperation, a name in no model InvalidAction, as AWS does.
 */
export function ec2OperationNames(root: string): ReadonlySet<string> {
  ec2Names ??= new Set(
    (JSON.parse(readFileSync(join(root, 'vendor', 'aws-models', 'ec2-2016-11-15.operation-names.json'), 'utf8')) as { operations: string[] }).operations,
  );
  return ec2Names;
}
