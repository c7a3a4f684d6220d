/**
 * `berth status`: whether the Berth at --endpoint can do its work (GET /health): the store takes
 * writes, or why not (disk full, database locked), and the open-files limit. Exit 0 ok, 1 not.
 */
import { usage } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json } from '../table.js';
import { HEALTH_PATH, type HealthReport } from '../../control-plane/api/health-route.js';

/** Pure: the report as lines for a terminal. */
export function renderStatus(endpoint: string, r: HealthReport, now: number): string {
  const lines = [`Berth at ${endpoint}: ${r.status}`];
  const f = r.store.fault;
  lines.push(f ? `  store: FAILING (${f.reason}) for ${Math.round((now - f.since) / 1000)} s: ${f.message}` : '  store: ok');
  if (r.fdLimit) lines.push(`  open files limit: ${r.fdLimit.soft} (hard ${r.fdLimit.hard})`);
  return `${lines.join('\n')}\n`;
}

export const status: Command = {
  name: 'status',
  summary: 'is Berth healthy: the store takes writes (or why not), the open-files limit',
  help: `usage: berth status
Exit 0 when healthy, 1 when the store cannot take writes (the reason is printed).
${GLOBAL_FLAGS_HELP}`,
  flags: [],
  async run({ args, clients, out, signal }) {
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    const res = await fetch(`${clients.endpoint.url}${HEALTH_PATH}`, { signal });
    if (res.status !== 200 && res.status !== 503) throw new CliError(`GET ${HEALTH_PATH}: HTTP ${res.status}`);
    const report = (await res.json()) as HealthReport;
    out.write(args.flags.json ? json(report) : renderStatus(clients.endpoint.url, report, Date.now()));
    return report.status === 'ok' ? EXIT.ok : EXIT.api;
  },
};
