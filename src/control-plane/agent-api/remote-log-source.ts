/**
 * Logs of a task on a remote `berth agent`: the control plane finds the task's container instance,
 * reads the log endpoint the agent registered (`berth.logs-endpoint`), and streams its answer,
 * signed with the key the agent signs with (`berth.agent-key-id`, whose secret the API knows) when
 * there is one. The agent checks that signature, so only this control plane reads its logs.
 */
import { request } from 'undici';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseEcsArn } from '../../domain/ecs/arn.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';
import type { Clock } from '../../platform/clock.js';
import { signRequest } from '../../platform/sigv4.js';
import type { Store } from '../../store/store.js';
import {
  AGENT_KEY_ATTRIBUTE,
  AGENT_SIGNING_SERVICE,
  LOGS_ENDPOINT_ATTRIBUTE,
  LOGS_NDJSON,
  LOGS_PATH,
  logsQuery,
  parseLogLine,
  type LogRequest,
} from '../../protocols/agent/index.js';
import type { LogLineOut, LogSource } from './agent-service.js';

export interface RemoteLogSourceDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The API's keys: the secret of the agent's key id signs the request. */
  readonly credentials: ReadonlyMap<string, string>;
  readonly region?: string;
}

/** The container instance a task runs on, from the store. */
export async function instanceOfTask(store: Store, req: LogRequest): Promise<ContainerInstanceRecord> {
  const parsed = parseEcsArn(req.taskArn);
  const taskId = parsed?.kind === 'task' ? parsed.id : req.taskArn;
  const task = (await store.get<TaskRecord>(keys.task(req.cluster, taskId)))?.value;
  if (!task) throw new AwsError('ResourceNotFoundException', `Task ${req.taskArn} was not found in cluster ${req.cluster}.`, 404);
  const instance = (await store.get<ContainerInstanceRecord>(keys.containerInstance(req.cluster, task.containerInstanceId)))?.value;
  if (!instance) throw new AwsError('ResourceNotFoundException', `The container instance of task ${req.taskArn} is gone.`, 404);
  return instance;
}

export function remoteLogSource(deps: RemoteLogSourceDeps): LogSource {
  return async (req, signal) => {
    const instance = await instanceOfTask(deps.store, req);
    const attr = (name: string) => instance.attributes.find((a) => a.name === name)?.value;
    const endpoint = attr(LOGS_ENDPOINT_ATTRIBUTE);
    if (!endpoint)
      throw new AwsError('ServerException', `The agent of ${instance.ec2InstanceId} serves no logs (start it with a key, or on a loopback address).`, 501);
    const url = new URL(`${LOGS_PATH}?${logsQuery(req)}`, endpoint);
    const headers: Record<string, string> = { accept: LOGS_NDJSON };
    const keyId = attr(AGENT_KEY_ATTRIBUTE);
    const secret = keyId !== undefined ? deps.credentials.get(keyId) : undefined;
    if (keyId !== undefined && secret !== undefined) {
      const signed = { method: 'GET', url: url.pathname + url.search, headers: { host: url.host }, body: Buffer.alloc(0) };
      Object.assign(
        headers,
        signRequest(signed, { accessKeyId: keyId, secretAccessKey: secret }, deps.clock.now(), deps.region ?? 'us-east-1', AGENT_SIGNING_SERVICE),
      );
    }
    let res;
    try {
      res = await request(url, { method: 'GET', headers, signal, bodyTimeout: 0 });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new AwsError('ServerException', `The agent of ${instance.ec2InstanceId} at ${endpoint} did not answer: ${(err as Error).message}`, 502);
    }
    if (res.statusCode !== 200) {
      const body = (await res.body.json().catch(() => ({}))) as { code?: string; message?: string };
      throw new AwsError(
        body.code ?? 'ServerException',
        body.message ?? `The agent answered ${res.statusCode}.`,
        res.statusCode >= 400 && res.statusCode < 600 ? res.statusCode : 502,
      );
    }
    if (!String(res.headers['content-type'] ?? '').startsWith(LOGS_NDJSON)) {
      res.body.destroy();
      throw new AwsError('ServerException', `The agent of ${instance.ec2InstanceId} answered logs without their streams and times (an older agent?).`, 502);
    }
    return lines(res.body);
  };
}

/** The agent's NDJSON lines, with the stream and time the agent saw (nothing made up here). */
async function* lines(body: AsyncIterable<Buffer | string>): AsyncIterable<LogLineOut> {
  let rest = '';
  const parse = (text: string): LogLineOut => {
    const l = parseLogLine(text);
    if (!l) throw new AwsError('ServerException', `The agent sent a log line that is not {stream, line, time}: ${text.slice(0, 80)}`, 502);
    return l;
  };
  for await (const chunk of body) {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const text of parts) yield parse(text);
  }
  if (rest) yield parse(rest);
}
