import { useEffect, useState } from 'preact/hooks';
import { arnTail, getJson } from '../api';
import { ErrorBox, Page, State } from '../components';
import type { Task } from '../console-types';

const base = (cluster: string) => `/clusters/${encodeURIComponent(cluster)}/tasks`;

/** One task: its containers and each one's last log lines (the log store for awslogs containers, as `berth logs`). */
export function TaskDetail(props: { cluster: string; task: string }) {
  const [task, setTask] = useState<Task>();
  const [logs, setLogs] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const { tasks } = await getJson<{ tasks: Task[] }>(base(props.cluster));
        const t = tasks.find((x) => arnTail(x.taskArn) === props.task);
        if (!live) return;
        setTask(t);
        const next: Record<string, string[]> = {};
        for (const c of t?.containers ?? []) {
          const r = await getJson<{ lines: { line: string }[] }>(
            `${base(props.cluster)}/${encodeURIComponent(props.task)}/logs?container=${encodeURIComponent(c.name)}&tail=200`,
          ).catch((e: Error) => ({ lines: [{ line: `(no logs: ${e.message})` }] }));
          next[c.name] = r.lines.map((l) => l.line);
        }
        if (live) setLogs(next);
        setError(undefined);
      } catch (e) {
        if (live) setError(e as Error);
      }
    };
    void load();
    const timer = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [props.cluster, props.task]);
  return (
    <Page title={`Task ${props.task.slice(0, 12)}`}>
      <ErrorBox error={error} />
      {task ? (
        <p>
          Last status <State value={task.lastStatus} />
          {task.stoppedReason ? ` (${task.stoppedReason})` : ''}
        </p>
      ) : null}
      {(task?.containers ?? []).map((c) => (
        <section aria-label={`Logs of ${c.name}`}>
          <h2>{c.name}</h2>
          <pre class="logs">{(logs[c.name] ?? []).join('\n')}</pre>
        </section>
      ))}
    </Page>
  );
}
