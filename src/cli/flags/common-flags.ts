/** Flags every daemon takes: logging and help. */
import type { DaemonFlag } from './flag-table.js';

export const LOG_FLAGS: readonly DaemonFlag[] = [
  { name: 'log-level', type: 'string', placeholder: 'LEVEL', default: 'info', help: 'trace | debug | info | warn | error' },
  {
    name: 'log-format',
    type: 'string',
    placeholder: 'FORMAT',
    default: 'auto',
    help: 'auto | pretty | json: auto writes readable lines (time, level, component, message) to a terminal and JSON lines to a pipe or file',
  },
];

export const HELP_FLAG: DaemonFlag = { name: 'help', type: 'boolean', help: 'this help', env: false };

/** Parsed only to refuse it: a secret on a command line is readable by every user (/proc/PID/cmdline). */
export const SECRET_FLAG: DaemonFlag = { name: 'secret-access-key', type: 'string', help: '', env: false, hidden: true };

/** `berth up`, `berth server` and `berth lb`: how many processes serve the load balancers' listeners. */
export const LB_WORKERS_FLAG: DaemonFlag = {
  name: 'lb-workers',
  type: 'string',
  placeholder: 'N',
  default: 'the number of cores',
  help:
    "worker processes of this host's load-balancer node: they share every listener's socket (the kernel spreads connections) and hold " +
    'the routing table; health checks run once per node, off the control plane',
};
