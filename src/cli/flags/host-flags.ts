/** The flags that describe an agent's host, shared by `berth up` (its local agent) and `berth agent`. */
import type { DaemonFlag } from './flag-table.js';

export function hostFlags(upOnly: boolean): DaemonFlag[] {
  const flags: DaemonFlag[] = [
    { name: 'memory-reserve', type: 'string', placeholder: 'MIB', default: '256', help: 'memory kept back from tasks' },
    {
      name: 'reserved-ports',
      type: 'string',
      placeholder: 'LIST',
      default: '22,2375,2376,51678,51679',
      help: 'TCP ports no task may take, comma-separated',
    },
    { name: 'reserved-ports-udp', type: 'string', placeholder: 'LIST', default: 'none', help: 'UDP ports no task may take, comma-separated' },
    {
      name: 'stats-interval',
      type: 'string',
      placeholder: 'SECONDS',
      default: '15',
      help: "how often the agent reads its running tasks' CPU and memory for the AWS/ECS CPUUtilization and MemoryUtilization metrics",
    },
    { name: 'attribute', type: 'multiple', placeholder: 'K=V', help: 'a custom container-instance attribute (repeatable; the env twin is comma-separated)' },
    {
      name: 'allow-privileged',
      type: 'boolean',
      default: 'off',
      help:
        'run tasks with `privileged: true` or a bind mount that reaches the Docker socket (`/var/run/docker.sock`, `/var/run`, `/`, …). ' +
        'Off, such a task stops before start (`TaskFailedToStart`, the field named): either is root on the host, so turn it on only where ' +
        'every task definition is trusted',
    },
  ];
  return upOnly ? flags.map((f) => (f.name === 'allow-privileged' ? f : { ...f, upOnly: true })) : flags;
}
