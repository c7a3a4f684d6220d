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

/**
 * Asked for with `Accept`, the log route answers one JSON object per line, `{stream, line, time}`,
 * so the control plane passes on the stream and time the agent saw; without it, plain text lines.
 */
export const LOGS_NDJSON = 'application/x-ndjson';

/** One line of the NDJSON log answer, checked; undefined when it is not one. */
export function parseLogLine(text: string): { stream: 'stdout' | 'stderr'; line: string; time: number } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { stream, line, time } = v as Record<string, unknown>;
  if ((stream !== 'stdout' && stream !== 'stderr') || typeof line !== 'string' || typeof time !== 'number') return undefined;
  return { stream, line, time };
}
