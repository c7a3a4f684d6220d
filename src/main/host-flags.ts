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
}

export const HOST_FLAGS = {
  'memory-reserve': { type: 'string' },
  'reserved-ports': { type: 'string' },
  'reserved-ports-udp': { type: 'string' },
  attribute: { type: 'string', multiple: true },
  'allow-privileged': { type: 'boolean' },
} as const;

export const HOST_FLAGS_HELP = `  --memory-reserve MIB  memory kept back from tasks (default 256)
  --reserved-ports LIST TCP ports no task may take, comma-separated (default 22,2375,2376,51678,51679)
  --reserved-ports-udp LIST  UDP ports likewise (default none)
  --attribute K=V       a custom container-instance attribute (repeatable; env: comma-separated)
  --allow-privileged    run tasks that ask for privileged or bind-mount the Docker socket (default: they stop
                        before start; either is root on the host, so allow it only for trusted task definitions)`;

function portList(flag: string, raw: string): number[] {
  const ports = raw.split(',').map((p) => p.trim()).filter(Boolean).map(Number);
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
  for (const a of attributes ?? pick('attribute')?.split(',') ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attribute must be KEY=VALUE, got ${a}`);
    out.attributes[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return out;
}
