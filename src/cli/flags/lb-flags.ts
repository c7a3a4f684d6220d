/** `berth lb`: a load-balancer node on its own host, fed by the servers' load-balancer protocol. */
import { HELP_FLAG, LB_WORKERS_FLAG, LOG_FLAGS, SECRET_FLAG } from './common-flags.js';
import type { FlagTable } from './flag-table.js';

export const LB_FLAGS: FlagTable = [
  {
    name: 'server',
    type: 'string',
    placeholder: 'URL[,URL...]',
    help: 'the servers (`berth server` replicas) to follow; calls fail over between them (required)',
  },
  { name: 'advertise-ip', type: 'string', placeholder: 'IP', help: "this node's address: every listener binds there (required)" },
  { name: 'node-id', type: 'string', placeholder: 'ID', default: 'lb-<advertise-ip>', help: "this node's stable name in target health" },
  {
    name: 'data-dir',
    type: 'string',
    placeholder: 'DIR',
    default: './.berth-lb',
    help: "the node's access logs and its last routing snapshot (served from when it starts while no server answers)",
  },
  LB_WORKERS_FLAG,
  {
    name: 'metrics-port',
    type: 'string',
    placeholder: 'PORT',
    help: '`GET /metrics` (Prometheus, every worker in one scrape) on the advertised address at this port; none when absent',
  },
  {
    name: 'access-key-id',
    type: 'string',
    placeholder: 'ID',
    help: 'with `BERTH_SECRET_ACCESS_KEY` (env only), sign every call (needed when the servers run `--auth sigv4`)',
  },
  {
    name: 'stickiness-secret-file',
    type: 'string',
    placeholder: 'FILE',
    help: 'signs stickiness cookies; give every node of a load balancer the same file',
  },
  ...LOG_FLAGS,
  HELP_FLAG,
  SECRET_FLAG,
];

export const LB_USAGE = 'usage: berth lb --server URL[,URL...] --advertise-ip IP [flags]   a load-balancer node with no store access';
