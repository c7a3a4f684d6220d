/**
 * Dynamic host ports, decided purely: the agent passes the range, the reserved ports and the ports in
 * use, and gets one port per mapping with hostPort 0 (or omitted). No sockets here; the agent
 * bind-probes what it is given (src/agent/runtime/port-probe.ts) and asks again without the ports
 * that failed.
 */

/** An inclusive range of ports, `low <= high`. */
export interface PortRange {
  low: number;
  high: number;
}

export type PortAllocation = { ok: true; ports: number[]; nextHint: number } | { ok: false; reason: 'RESOURCE:PORTS' };

export interface PortAllocationRequest {
  range: PortRange;
  /** Ports the instance reserves (ECS `remainingResources` PORTS: 22, 2375, 2376, 51678, 51679 and the user's). */
  reserved: ReadonlySet<number>;
  /** Ports held by live tasks, and by stopped tasks not yet released, plus any that failed a bind-probe. */
  inUse: ReadonlySet<number>;
  /** How many ports to hand out. */
  requests: number;
  /**
   * Where the search starts; pass back the previous `nextHint` so the cursor rotates through the range
   * and a port freed a moment ago is the last one to be handed out again (clients and load balancers
   * may still hold connections to the old task on it).
   */
  startHint?: number;
}

export const LOWEST_UNPRIVILEGED_PORT = 1024;
export const HIGHEST_PORT = 65535;

/** Linux's default `net.ipv4.ip_local_port_range`, used when /proc cannot be read. */
export const LINUX_DEFAULT_EPHEMERAL: PortRange = { low: 32768, high: 60999 };

/** Nomad's range: well known to operators, and clear of the Linux default ephemeral range. */
export const PREFERRED_DYNAMIC_RANGE: PortRange = { low: 20000, high: 32000 };

/**
 * The default range for dynamic host ports, kept clear of the kernel's ephemeral range.
 *
 * ECS (through Docker) hands out ports *from* `ip_local_port_range` (fallback 49153-65535), so an
 * outgoing connection can sit on the port a task is about to get and the task fails with "address
 * already in use" (the Nomad issues #2500/#4285 show the same). We do as Nomad does: 20000-32000 when
 * that is clear of the ephemeral range; else the larger gap below or above it.
 */
export function defaultDynamicRange(ephemeral: PortRange): PortRange {
  if (!overlaps(PREFERRED_DYNAMIC_RANGE, ephemeral)) return { ...PREFERRED_DYNAMIC_RANGE };
  const below: PortRange = { low: LOWEST_UNPRIVILEGED_PORT, high: ephemeral.low - 1 };
  const above: PortRange = { low: ephemeral.high + 1, high: HIGHEST_PORT };
  const size = (r: PortRange) => Math.max(0, r.high - r.low + 1);
  if (size(below) === 0 && size(above) === 0) {
    // The kernel uses every unprivileged port for outgoing connections: nothing is clear, so share.
    return { ...PREFERRED_DYNAMIC_RANGE };
  }
  return size(below) >= size(above) ? below : above;
}

function overlaps(a: PortRange, b: PortRange): boolean {
  return a.low <= b.high && b.low <= a.high;
}

/** Parses `low-high` (as `--port-range` and /proc give it, with `-` or whitespace between). */
export function parsePortRange(text: string): PortRange {
  const m = /^\s*(\d{1,5})\s*(?:-|\s)\s*(\d{1,5})\s*$/.exec(text);
  if (!m) throw new RangeError(`port range must look like 20000-32000, got "${text}"`);
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (low < 1 || high > HIGHEST_PORT || low > high) {
    throw new RangeError(`port range must satisfy 1 <= low <= high <= 65535, got "${text}"`);
  }
  return { low, high };
}

/** `low-high`, as parsePortRange and the agent's `berth.dynamic-port-range` attribute read it. */
export function formatPortRange(r: PortRange): string {
  return `${r.low}-${r.high}`;
}

/**
 * Picks `requests` distinct ports in `range`, none reserved or in use, walking up from `startHint`
 * and wrapping once. All or nothing: a task whose mappings cannot all be served gets none.
 */
export function allocatePorts(req: PortAllocationRequest): PortAllocation {
  const { range, reserved, inUse, requests } = req;
  if (requests === 0) return { ok: true, ports: [], nextHint: clampHint(req.startHint, range) };
  const size = range.high - range.low + 1;
  let port = clampHint(req.startHint, range);
  const ports: number[] = [];
  for (let seen = 0; seen < size && ports.length < requests; seen++) {
    if (!reserved.has(port) && !inUse.has(port)) ports.push(port);
    port = port === range.high ? range.low : port + 1;
  }
  if (ports.length < requests) return { ok: false, reason: 'RESOURCE:PORTS' };
  return { ok: true, ports, nextHint: port };
}

function clampHint(hint: number | undefined, range: PortRange): number {
  if (hint === undefined || !Number.isInteger(hint) || hint < range.low || hint > range.high) return range.low;
  return hint;
}
