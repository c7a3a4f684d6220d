/**
 * Service deployments and service revisions, the deployment API ECS's console uses, derived from
 * the deployments a service keeps (`deployments`, and `pastDeployments` once they leave it). One
 * Berth deployment (`ecs-svc/<n>`) is one service deployment and one service revision:
 *   arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>
 *   arn:aws:ecs:<region>:<account>:service-revision/<cluster>/<service>/<n>
 * Pure.
 */
import type { Deployment, ServiceRecord } from './records.js';

export const MAX_PAST_DEPLOYMENTS = 50;

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'IN_PROGRESS'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

const numberOf = (deploymentId: string) => deploymentId.slice(deploymentId.indexOf('/') + 1);

/** The service deployment's id: the deployment number in base64url (ECS's ids are opaque). */
function serviceDeploymentId(deploymentId: string): string {
  const n = numberOf(deploymentId);
  if (!/^\d+$/.test(n)) return Buffer.from(n, 'utf8').toString('base64url');
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(n) & 0xffff_ffff_ffff_ffffn);
  return bytes.toString('base64url');
}

/** `arn:aws:ecs:r:a:<kind>/<cluster>/<service>/<id>` from the service's ARN. */
function childArn(serviceArn: string, kind: string, id: string): string {
  const i = serviceArn.indexOf(':service/');
  return `${serviceArn.slice(0, i)}:${kind}/${serviceArn.slice(i + ':service/'.length)}/${id}`;
}

export const serviceDeploymentArn = (serviceArn: string, deploymentId: string) => childArn(serviceArn, 'service-deployment', serviceDeploymentId(deploymentId));
export const serviceRevisionArn = (serviceArn: string, deploymentId: string) => childArn(serviceArn, 'service-revision', numberOf(deploymentId));

/** `(region, cluster, service, id)` of a service-deployment or service-revision ARN; undefined when it is not one. */
export function parseChildArn(
  arn: string,
  kind: 'service-deployment' | 'service-revision',
): { region: string; cluster: string; service: string; id: string } | undefined {
  const m = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):\d+:([a-z-]+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!m || m[2] !== kind) return undefined;
  return { region: m[1]!, cluster: m[3]!, service: m[4]!, id: m[5]! };
}

/** Every deployment of the service, current ones first, then the past ones, newest first. */
export function allDeployments(svc: Pick<ServiceRecord, 'deployments' | 'pastDeployments'>): Deployment[] {
  return [...svc.deployments, ...(svc.pastDeployments ?? [])].sort((a, b) => b.createdAt - a.createdAt);
}

export function findByServiceDeploymentId(svc: Pick<ServiceRecord, 'deployments' | 'pastDeployments'>, id: string): Deployment | undefined {
  return allDeployments(svc).find((d) => serviceDeploymentId(d.id) === id);
}

export function findByRevisionId(svc: Pick<ServiceRecord, 'deployments' | 'pastDeployments'>, id: string): Deployment | undefined {
  return allDeployments(svc).find((d) => numberOf(d.id) === id);
}

/** The service deployment status of `d`, with its reason, among all of the service's deployments. */
export function statusOf(
  d: Deployment,
  svc: Pick<ServiceRecord, 'deployments' | 'pastDeployments'>,
): { status: ServiceDeploymentStatus; statusReason: string; finished: boolean } {
  const all = allDeployments(svc);
  const rollback = all.find((x) => x.rollbackOf === d.id);
  if (rollback) {
    const r = statusOf(rollback, svc);
    const status = r.status === 'SUCCESSFUL' ? 'ROLLBACK_SUCCESSFUL' : r.status === 'IN_PROGRESS' ? 'ROLLBACK_IN_PROGRESS' : 'ROLLBACK_FAILED';
    return { status, statusReason: d.rollbackReason ?? d.rolloutStateReason, finished: status !== 'ROLLBACK_IN_PROGRESS' };
  }
  if (d.rolloutState === 'COMPLETED') return { status: 'SUCCESSFUL', statusReason: d.rolloutStateReason, finished: true };
  // A failure with no rollback stops the deployment (the model's stoppedAt says so).
  if (d.rolloutState === 'FAILED') return { status: 'STOPPED', statusReason: d.rolloutStateReason, finished: true };
  const current = svc.deployments.some((x) => x.id === d.id);
  if (current && d.status === 'PRIMARY') return { status: 'IN_PROGRESS', statusReason: d.rolloutStateReason, finished: false };
  const newer = all.find((x) => x.createdAt >= d.createdAt && x.id !== d.id);
  return { status: 'STOPPED', statusReason: `Stopped: service deployment ${newer?.id ?? 'a newer one'} replaced it before it completed.`, finished: true };
}

/** The service's past deployments with `left` (deployments that just left its list) added: newest first, at most MAX_PAST_DEPLOYMENTS. */
export function archiveDeployments(past: readonly Deployment[] | undefined, left: readonly Deployment[]): Deployment[] {
  return [...left, ...(past ?? [])].sort((a, b) => b.createdAt - a.createdAt).slice(0, MAX_PAST_DEPLOYMENTS);
}
