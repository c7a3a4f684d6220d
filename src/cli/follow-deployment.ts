/**
 * Follows one deployment of a service until it ends: polls DescribeServices (with its tasks and
 * target health) about once a second, redraws the progress table in place on a TTY or prints
 * changed lines otherwise, and maps the end to an exit code (0 COMPLETED, 3 FAILED or rolled back).
 */
import { DescribeServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { serviceDeploymentArn } from '../domain/ecs/service-deployment.js';
import { describeServices, describeTasks, instanceIds, listTaskArns, readTargetHealth } from './cluster-view.js';
import type { Clients, CommandContext } from './cli-context.js';
import { CliError, EXIT } from './cli-error.js';
import {
  deploymentOutcome,
  deploymentProgress,
  OUTCOME_TEXT,
  progressLines,
  renderProgress,
  stopWaitNote,
  trafficLine,
  type DeploymentProgress,
  type Outcome,
} from './deployment-progress.js';
import { json } from './table.js';

export interface FollowOptions {
  cluster: string;
  service: string;
  deploymentId: string;
  timeoutMs: number;
  intervalMs?: number;
}

export async function followDeployment(ctx: CommandContext, o: FollowOptions): Promise<number> {
  const { clients, out, signal } = ctx;
  const asJson = ctx.args.flags.json === true;
  const tty = out.isTTY === true && !asJson;
  const deadline = Date.now() + o.timeoutMs;
  let drawnLines = 0;
  let lastPlain = new Set<string>();
  let rows: DeploymentProgress[] = [];
  let outcome: Outcome = 'in-progress';
  if (!asJson) out.write(`==> Following deployment ${o.deploymentId} of service ${o.service}\n`);

  while (!signal.aborted) {
    const { services } = await describeServices(clients, o.cluster, [o.service]);
    const svc = services[0];
    if (!svc) throw new CliError(`service ${o.service} is gone`);
    const arns = await listTaskArns(clients, o.cluster, { serviceName: o.service });
    const tasks = await describeTasks(clients, o.cluster, arns);
    const instances = await instanceIds(
      clients,
      o.cluster,
      tasks.map((t) => t.containerInstanceArn),
    );
    const targets = await readTargetHealth(clients, (svc.loadBalancers ?? []).map((l) => l.targetGroupArn!).filter(Boolean));
    rows = deploymentProgress(svc, tasks, instances, targets);
    outcome = deploymentOutcome(svc, o.deploymentId);
    // A deployment gone from the service's list ended between two polls (a rollback can start and
    // complete within one): the service deployment API still says how.
    if (outcome === 'superseded' && svc.serviceArn) outcome = (await endedAs(clients, svc.serviceArn, o.deploymentId)) ?? outcome;

    // BLUE_GREEN, CANARY, LINEAR: the stage and the live split, from the service deployment API.
    const shifting = svc.deploymentConfiguration?.strategy !== undefined && svc.deploymentConfiguration.strategy !== 'ROLLING';
    const traffic = shifting && svc.serviceArn ? trafficLine(await describedDeployment(clients, svc.serviceArn, o.deploymentId)) : undefined;
    const note = [traffic, stopWaitNote(tasks, new Date())].filter((x) => x !== undefined).join('\n') || undefined;
    if (tty) {
      const screen = fitToWidth(renderProgress(rows) + (note ? `${note}\n` : ''), out.columns);
      // Up over what was drawn and clear to the end: the table is redrawn in place, never appended.
      out.write((drawnLines ? `\x1b[${drawnLines}A\x1b[J` : '') + screen);
      drawnLines = screen.split('\n').length - 1;
    } else if (!asJson) {
      const lines = [...progressLines(rows), ...(note ? [note] : [])];
      const stamp = new Date().toISOString().slice(11, 19);
      for (const l of lines) if (!lastPlain.has(l)) out.write(`${stamp} ${l}\n`);
      lastPlain = new Set(lines);
    }
    if (outcome !== 'in-progress') break;
    if (Date.now() > deadline)
      throw new CliError(`timed out after ${Math.round(o.timeoutMs / 1000)} s; the deployment goes on (berth services, berth events ${o.service})`);
    await pause(o.intervalMs ?? 1000, signal);
  }
  if (outcome === 'in-progress') {
    if (!asJson) out.write('Stopped following; the deployment goes on.\n');
    return EXIT.ok;
  }
  const followed = rows.find((r) => r.id === o.deploymentId);
  if (asJson) out.write(json({ service: o.service, deploymentId: o.deploymentId, outcome, deployments: rows }));
  else out.write(`==> ${OUTCOME_TEXT[outcome]}${followed?.reason ? `: ${followed.reason}` : ''}\n`);
  return outcome === 'completed' ? EXIT.ok : EXIT.deploymentFailed;
}

/**
 * Waits, or returns early on abort. The abort listener goes when the wait ends: one added per poll and
 * never removed was the MaxListenersExceededWarning that `berth deploy` printed after ~10 polls.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Clips each line to the terminal's width: a line the terminal wraps takes two rows, and the cursor-up
 * count (one per line) would then leave the top of the old table on screen, drawn twice.
 */
export function fitToWidth(text: string, columns: number | undefined): string {
  if (!columns) return text;
  return text
    .split('\n')
    .map((l) => (l.length > columns - 1 ? `${l.slice(0, columns - 2)}…` : l))
    .join('\n');
}

async function describedDeployment(clients: Clients, serviceArn: string, deploymentId: string) {
  const arn = serviceDeploymentArn(serviceArn, deploymentId);
  return (await clients.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments?.[0];
}

/** How a deployment that left the service's list ended, from its service deployment record. */
async function endedAs(clients: Clients, serviceArn: string, deploymentId: string): Promise<Outcome | undefined> {
  const status = (await describedDeployment(clients, serviceArn, deploymentId))?.status;
  if (status === undefined) return undefined;
  if (status.startsWith('ROLLBACK_')) return 'rolled-back';
  return status === 'SUCCESSFUL' ? 'completed' : undefined;
}
