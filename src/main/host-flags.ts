/**
 * The flags that describe an agent's host, shared by `berth up` and `berth agent`: the memory kept
 * back from tasks, reserved TCP/UDP ports, and custom attributes. Pure: strings in, options or a
 * UsageError out.
 */
import { UsageError } from './usage-error.js';

export interface HostOptions {
  readonly memoryReserveMiB?: number;
  readonly reservedPorts?: number[];
  readonly reservedPortsUdp?: number[];
  readonly attributes: Record<string, string>;
  /** Run privileged containers and Docker-socket bind mounts (both are root on the host: src/agent/privilege.ts). */
  readonly allowPrivileged?: boolean;
  /** How often the agent reads its tasks' CPU and memory for the AWS/ECS metrics. */
  readonly statsIntervalMs?: number;
}

function portList(flag: string, raw: string): number[] {
  const ports = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(Number);
  if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new UsageError(`--${flag} must be ports 1-65535, comma-separated, got ${raw}`);
  return ports;
}

/** `pick(flag)` is the flag's value or its env twin; `attributes` the repeated --attribute values, if any. */
export function parseHostFlags(pick: (flag: string) => string | undefined, attributes: readonly string[] | undefined): HostOptions {
  const out: { -readonly [K in keyof HostOptions]: HostOptions[K] } = { attributes: {} };
  const reserve = pick('memory-reserve');
  if (reserve !== undefined) {
    const n = Number(reserve);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--memory-reserve must be a whole number of MiB, got ${reserve}`);
    out.memoryReserveMiB = n;
  }
  const tcp = pick('reserved-ports');
  if (tcp !== undefined) out.reservedPorts = portList('reserved-ports', tcp);
  const udp = pick('reserved-ports-udp');
  if (udp !== undefined) out.reservedPortsUdp = portList('reserved-ports-udp', udp);
  // A boolean flag arrives as true; its env twin as text.
  const allow = pick('allow-privileged') as string | boolean | undefined;
  if (allow !== undefined) out.allowPrivileged = ['1', 'true'].includes(String(allow));
  const stats = pick('stats-interval');
  if (stats !== undefined) {
    const n = Number(stats);
    if (!Number.isFinite(n) || n < 1 || n > 300) throw new UsageError(`--stats-interval must be a number of seconds from 1 to 300, got ${stats}`);
    out.statsIntervalMs = Math.round(n * 1000);
  }
  for (const a of attributes ?? pick('attribute')?.split(',') ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attribute must be KEY=VALUE, got ${a}`);
    out.attributes[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return out;
}
