/**
 * `GET logs`: which container's log, as a query string both ways (the CLI and the control plane
 * write it; the control plane and a remote agent read it).
 */
export interface LogRequest {
  cluster: string;
  taskArn: string;
  containerName: string;
  follow?: boolean;
  tail?: number;
}

/** `GET logs` query of a LogRequest. */
export function logsQuery(req: LogRequest): string {
  const q = new URLSearchParams({ cluster: req.cluster, task: req.taskArn, container: req.containerName });
  if (req.follow) q.set('follow', '1');
  if (req.tail !== undefined) q.set('tail', String(req.tail));
  return q.toString();
}

/** The LogRequest of a `GET logs` query; undefined when task or container is missing. */
export function parseLogsQuery(q: URLSearchParams): LogRequest | undefined {
  const taskArn = q.get('task');
  const containerName = q.get('container');
  if (!taskArn || !containerName) return undefined;
  const tail = q.get('tail') === null ? undefined : Number(q.get('tail'));
  return {
    cluster: q.get('cluster') ?? 'default',
    taskArn,
    containerName,
    follow: q.get('follow') === '1' || q.get('follow') === 'true',
    ...(tail !== undefined && Number.isInteger(tail) && tail >= 0 ? { tail } : {}),
  };
}
