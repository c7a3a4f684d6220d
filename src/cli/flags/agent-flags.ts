/** `berth agent`: an agent on another host, for a server elsewhere. */
import { HELP_FLAG, LOG_FLAGS, SECRET_FLAG } from './common-flags.js';
import type { FlagTable } from './flag-table.js';
import { hostFlags } from './host-flags.js';

/** The ECS agent's introspection port, reserved on every instance by default: no task takes it. */
export const DEFAULT_LOGS_PORT = 51678;

export const AGENT_FLAGS: FlagTable = [
  {
    name: 'server',
    type: 'string',
    placeholder: 'URL[,URL...]',
    help: 'the control plane (`berth server` replicas, or `berth up`) to register with; calls fail over between them (required)',
  },
  {
    name: 'advertise-ip',
    type: 'string',
    placeholder: 'IP',
    help: "this host's address: ports are published there and the load balancer reaches them (required)",
  },
  { name: 'state-dir', type: 'string', placeholder: 'DIR', default: './.berth-agent', help: "the agent's state: its stable instance id, process state" },
  { name: 'cluster', type: 'string', placeholder: 'NAME', default: 'default', help: 'the cluster to join' },
  { name: 'runtime', type: 'string', placeholder: 'KIND', default: 'auto', help: 'auto | docker | process' },
  { name: 'port-range', type: 'string', placeholder: 'LOW-HIGH', default: '20000-32000', help: 'dynamic host ports' },
  ...hostFlags(false),
  {
    name: 'access-key-id',
    type: 'string',
    placeholder: 'ID',
    help:
      'with `BERTH_SECRET_ACCESS_KEY` (env only), sign every call (needed when the server runs `--auth sigv4`); the server signs its log requests ' +
      'to this agent with the same key',
  },
  {
    name: 'logs-port',
    type: 'string',
    placeholder: 'PORT',
    default: String(DEFAULT_LOGS_PORT),
    help: "where this agent serves its containers' logs to the server (reserved from tasks)",
  },
  ...LOG_FLAGS,
  HELP_FLAG,
  SECRET_FLAG,
];

export const AGENT_USAGE = `usage: berth agent --server URL --advertise-ip IP [flags]   run tasks on this host for a server elsewhere`;
