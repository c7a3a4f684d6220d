/** `berth up` and `berth server` share one table; `berth server` runs no agent, so it hides the upOnly flags from its help and ignores them. */
import { HELP_FLAG, LB_WORKERS_FLAG, LOG_FLAGS, SECRET_FLAG } from './common-flags.js';
import type { FlagTable } from './flag-table.js';
import { hostFlags } from './host-flags.js';

export const UP_FLAGS: FlagTable = [
  {
    name: 'data-dir',
    type: 'string',
    placeholder: 'DIR',
    default: './.berth',
    help: "state: the SQLite database, the credentials file, the local agent's state",
  },
  {
    name: 'api-port',
    type: 'string',
    placeholder: 'PORT',
    default: '4566',
    help: 'the AWS API endpoint, which also serves the console (the port AWS emulators use by convention)',
  },
  { name: 'host', type: 'string', placeholder: 'ADDR', default: '127.0.0.1', help: 'listen address; anything but loopback forces `--auth sigv4`' },
  {
    name: 'runtime',
    type: 'string',
    placeholder: 'KIND',
    default: 'auto',
    help: 'auto | docker | process: auto is docker when the engine answers, else process',
    upOnly: true,
  },
  { name: 'cluster', type: 'string', placeholder: 'NAME', default: 'default', help: "the local agent's cluster, created on first start" },
  {
    name: 'auth',
    type: 'string',
    placeholder: 'MODE',
    default: 'none',
    help:
      'none | sigv4: sigv4 verifies AWS Signature V4 against `--access-key-id` with the secret in `BERTH_SECRET_ACCESS_KEY`, or ' +
      '`<data-dir>/credentials` (the API, the console and the agent protocol alike). Under none, only requests for a loopback host name ' +
      '(or `--host`) are answered',
  },
  {
    name: 'access-key-id',
    type: 'string',
    placeholder: 'ID',
    help:
      'a key accepted under sigv4, its secret in `BERTH_SECRET_ACCESS_KEY` (never a flag: a command line is readable by every user of the host, ' +
      'so `--secret-access-key` is refused)',
  },
  {
    name: 'account-id',
    type: 'string',
    placeholder: 'ID',
    default: '000000000000',
    help: 'the account in every ARN (12 digits), and the one `aws sts get-caller-identity` answers',
  },
  { name: 'advertise-ip', type: 'string', placeholder: 'IP', default: '127.0.0.1', help: 'where the local agent publishes container ports', upOnly: true },
  {
    name: 'port-range',
    type: 'string',
    placeholder: 'LOW-HIGH',
    default: '20000-32000',
    help: "dynamic host ports, clear of the kernel's ephemeral range",
    upOnly: true,
  },
  { name: 'agent-timeout', type: 'string', placeholder: 'S', default: '60', help: 'an agent silent this long is disconnected (no new placements)' },
  {
    name: 'lost-after',
    type: 'string',
    placeholder: 'S',
    default: '600',
    help: 'an instance silent this long is lost: its tasks are STOPPED and replaced (0 = never)',
  },
  {
    name: 'internal-address',
    type: 'string',
    placeholder: 'IP',
    default: '127.0.0.1',
    help: 'where `internal` load balancers listen (`internet-facing` ones: 0.0.0.0)',
  },
  {
    name: 'allow-loopback-targets',
    type: 'boolean',
    default: 'on when --host is loopback',
    help: 'RegisterTargets accepts `ip` targets on 127.0.0.0/8 and ::1; link-local, 0.0.0.0, broadcast and multicast targets are refused always',
  },
  { name: 'max-tasks-per-service', type: 'string', placeholder: 'N', default: '5000', help: "the largest desiredCount (ECS's quota)" },
  { name: 'max-services-per-cluster', type: 'string', placeholder: 'N', default: '5000', help: "services per cluster (ECS's quota)" },
  {
    name: 'max-containers-per-task-definition',
    type: 'string',
    placeholder: 'N',
    default: '10',
    help: "container definitions per task definition (ECS's quota)",
  },
  { name: 'max-task-definition-kib', type: 'string', placeholder: 'N', default: '64', help: "the size of a RegisterTaskDefinition request (ECS's quota)" },
  { name: 'no-demo', type: 'boolean', help: 'do not create the demo stack on first start', upOnly: true },
  { name: 'web-root', type: 'string', placeholder: 'DIR', default: 'dist/web', help: "serve this console build instead of the package's" },
  {
    name: 'stop-tasks-on-exit',
    type: 'boolean',
    default: 'off',
    help:
      "on SIGINT/SIGTERM, stop the tasks this Berth's local agent runs before exiting (off: tasks keep running and serving while Berth is down, " +
      'and the next start adopts them)',
    upOnly: true,
  },
  { name: 'no-lb', type: 'boolean', help: 'no load-balancer node on this host: listeners are served by `berth lb` nodes' },
  LB_WORKERS_FLAG,
  {
    name: 'store',
    type: 'string',
    placeholder: 'URL',
    default: 'sqlite:<data-dir>/berth.db',
    help: '`sqlite:PATH`, or `etcd://HOST:PORT[,HOST:PORT...]` for several servers on one etcd cluster',
  },
  { name: 'etcd-cacert', type: 'string', placeholder: 'FILE', help: "CA (PEM) that signed the etcd members' certificates (turns TLS on)" },
  { name: 'etcd-cert', type: 'string', placeholder: 'FILE', help: 'client certificate (PEM) for etcd, with `--etcd-key`' },
  { name: 'etcd-key', type: 'string', placeholder: 'FILE', help: "the client certificate's private key (PEM)" },
  { name: 'etcd-user', type: 'string', placeholder: 'NAME', help: 'etcd user; the password only from `BERTH_ETCD_PASSWORD`' },
  {
    name: 'etcd-max-txn-ops',
    type: 'string',
    placeholder: 'N',
    default: '128',
    help: "etcd only: the members' `--max-txn-ops` (etcd's default 128; at least 3); larger commits are split into transactions that fit",
  },
  {
    name: 'secrets-key-file',
    type: 'string',
    placeholder: 'FILE',
    default: '<data-dir>/secrets.key',
    help: 'the 32-byte key that seals secret values (made if missing); every server on one etcd needs the same file, and one with another key refuses to start',
  },
  {
    name: 'deployment-time-scale',
    type: 'string',
    placeholder: 'N',
    default: '1',
    help: 'test aid: bake times of BLUE_GREEN, CANARY and LINEAR deployments run N times faster (a minute lasts 60/N s)',
  },
  {
    name: 'leader-ttl',
    type: 'string',
    placeholder: 'S',
    default: '5',
    help: "etcd only: the leader's lease; a dead leader's controllers move to another server within it",
  },
  {
    name: 'advertise-url',
    type: 'string',
    placeholder: 'URL',
    default: 'the listen address (loopback for 0.0.0.0)',
    help: "etcd only: where the other servers (their metric reads) and `berth status` reach this server's API, e.g. `http://10.0.0.5:4566`; needed with `--host 0.0.0.0` on several hosts",
  },
  ...LOG_FLAGS,
  ...hostFlags(true),
  HELP_FLAG,
  SECRET_FLAG,
];

export const UP_USAGE = `usage: berth up [flags]       everything on this machine: API, console, store, controllers, one agent, one load-balancer node`;
export const SERVER_USAGE = `usage: berth server [flags]   the control plane and a load-balancer node, for agents on other hosts (berth agent)`;
