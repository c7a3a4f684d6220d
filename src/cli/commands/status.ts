/**
 * `berth status`: whether the Berth at --endpoint can do its work (GET /health): the store takes
 * writes, or why not (disk full, database locked, etcd unreachable), and the open-files limit; then
 * the control plane (the console's signed /system read): servers, the leader, etcd members and
 * their health, agents and load-balancer nodes with their last heartbeat. Exit 0 ok, 1 not.
 */
import { usage } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json } from '../table.js';
import { HEALTH_PATH, type HealthReport } from '../../control-plane/api/health-route.js';
import type { SystemReport } from '../../control-plane/servers/system-report.js';
import { CONSOLE_PREFIX } from '../../control-plane/console/console-plugin.js';
import { signRequest } from '../../platform/sigv4.js';

const ago = (now: number, at: number | undefined) => (at === undefined ? 'never' : `${Math.max(0, Math.round((now - at) / 1000))} s ago`);

/** Pure: the report as lines for a terminal. */
export function renderStatus(endpoint: string, r: HealthReport, now: number, system?: SystemReport): string {
  const lines = [`Berth at ${endpoint}: ${r.status}`];
  const f = r.store.fault;
  lines.push(f ? `  store: FAILING (${f.reason}) for ${Math.round((now - f.since) / 1000)} s: ${f.message}` : '  store: ok');
  if (r.fdLimit) lines.push(`  open files limit: ${r.fdLimit.soft} (hard ${r.fdLimit.hard})`);
  if (!system) return `${lines.join('\n')}\n`;
  lines.push(`  this server: ${system.server}`);
  const l = system.leader;
  lines.push(
    l
      ? `  leader: ${l.holder}${l.apiUrl ? ` (${l.apiUrl})` : ''}, since ${ago(now, l.since)}`
      : '  leader: NONE (an election is under way, or the store is away)',
  );
  lines.push(`  servers (${system.servers.length}):`);
  for (const s of system.servers) lines.push(`    ${s.id}  ${s.apiUrl}  ${s.leader ? 'leader' : 'standby'}  last seen ${ago(now, s.lastSeenAt)}`);
  if (system.store.kind === 'etcd') {
    lines.push(`  etcd members (${system.store.members?.length ?? '?'}):${system.store.error ? ` unknown: ${system.store.error}` : ''}`);
    for (const m of system.store.members ?? []) {
      const size = m.dbSizeBytes !== undefined ? `  db ${(m.dbSizeBytes / 1024 / 1024).toFixed(1)} MiB` : '';
      const health = m.healthy ? 'healthy' : `UNHEALTHY${m.error ? ` (${m.error})` : ''}`;
      lines.push(`    ${m.name}  ${m.clientUrls.join(',')}  ${health}${m.leader ? '  raft leader' : ''}${size}`);
    }
  } else {
    lines.push('  store: SQLite (one server)');
  }
  lines.push(`  agents (${system.agents.length}):`);
  for (const a of system.agents) {
    lines.push(`    ${a.ec2InstanceId}  ${a.cluster}  ${a.agentConnected ? 'connected' : 'DISCONNECTED'}  last seen ${ago(now, a.lastSeenAt)}`);
  }
  // An older server's report has no nodes.
  const nodes = system.lbNodes ?? [];
  lines.push(`  load-balancer nodes (${nodes.length}):`);
  for (const n of nodes) {
    lines.push(`    ${n.nodeId}  ${n.advertiseAddress}  ${n.fresh ? 'fresh' : 'STALE'}  last seen ${ago(now, n.lastSeenAt)}`);
  }
  return `${lines.join('\n')}\n`;
}

export const status: Command = {
  name: 'status',
  summary: 'is Berth healthy: the store, the leader, servers, etcd members, agents, load-balancer nodes',
  help: `usage: berth status
Exit 0 when healthy, 1 when the store cannot take writes (the reason is printed).
${GLOBAL_FLAGS_HELP}`,
  flags: [],
  async run({ args, clients, out, signal }) {
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    const res = await fetch(`${clients.endpoint.url}${HEALTH_PATH}`, { signal });
    if (res.status !== 200 && res.status !== 503) throw new CliError(`GET ${HEALTH_PATH}: HTTP ${res.status}`);
    const report = (await res.json()) as HealthReport;
    const system = await readSystem(clients.endpoint, signal);
    out.write(args.flags.json ? json({ ...report, ...(system ? { system } : {}) }) : renderStatus(clients.endpoint.url, report, Date.now(), system));
    return report.status === 'ok' ? EXIT.ok : EXIT.api;
  },
};

/** The control plane's report, signed as the API calls are; undefined when this server has none or refuses. */
async function readSystem(
  endpoint: { url: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } },
  signal: AbortSignal,
): Promise<SystemReport | undefined> {
  const u = new URL(`${endpoint.url}${CONSOLE_PREFIX}/system`);
  const request = { method: 'GET', url: u.pathname, headers: { host: u.host }, body: Buffer.alloc(0) };
  const headers = signRequest(request, endpoint.credentials, Date.now(), endpoint.region, 'berth');
  try {
    const res = await fetch(u, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
    if (!res.ok) {
      await res.arrayBuffer();
      return undefined;
    }
    return (await res.json()) as SystemReport;
  } catch {
    return undefined;
  }
}
