/**
 * The I/O half of dynamic host ports: a port the allocator offers is bind-probed on the advertised
 * address before use, since another process on the host (not a Berth task) may hold it. The agent's
 * start action probes each dynamic binding (`../task-actions.ts`); a port that fails is put in
 * cooldown and the start is decided again (`../task-convergence.ts` asks the allocator anew).
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
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
