/**
 * The I/O half of dynamic host ports: a port the allocator offers is bind-probed on the advertised
 * address before use, since another process on the host (not a Berth task) may hold it. A port that
 * fails the probe is treated as in use and the allocator is asked again.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { allocatePorts, type PortAllocation, type PortAllocationRequest } from '../../scheduling/port-allocator.js';
import type { Protocol } from './runtime.js';

/** Whether `port` can be bound on `address` right now (the socket is closed again at once). */
export function probePort(address: string, port: number, protocol: Protocol = 'tcp'): Promise<boolean> {
  if (protocol === 'udp') {
    return new Promise((resolve) => {
      const s = createSocket(address.includes(':') ? 'udp6' : 'udp4');
      s.once('error', () => (s.close(), resolve(false)));
      s.bind(port, address, () => s.close(() => resolve(true)));
    });
  }
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: address, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export type Probe = (address: string, port: number, protocol: Protocol) => Promise<boolean>;

/**
 * Allocates and bind-probes ports, one per protocol in `protocols`. Returns the allocation plus
 * the ports found busy, so the agent can keep them out of later rounds too.
 */
export async function allocateProbedPorts(
  req: PortAllocationRequest & { address: string; protocols: Protocol[]; probe?: Probe },
): Promise<PortAllocation & { busy: number[] }> {
  const probe = req.probe ?? probePort;
  const busy: number[] = [];
  const inUse = new Set(req.inUse);
  let hint = req.startHint;
  for (;;) {
    const got = allocatePorts({ range: req.range, reserved: req.reserved, inUse, requests: req.protocols.length, startHint: hint });
    if (!got.ok) return { ...got, busy };
    const results = await Promise.all(got.ports.map((p, i) => probe(req.address, p, req.protocols[i]!)));
    const failed = got.ports.filter((_, i) => !results[i]);
    if (failed.length === 0) return { ...got, busy };
    for (const p of failed) inUse.add(p), busy.push(p);
    hint = got.nextHint;
  }
}
