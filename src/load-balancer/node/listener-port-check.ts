/**
 * Is a listener port free on this host? A bind probe on the address the node would listen on.
 * A port our own node already serves counts as taken: it belongs to another listener (the API
 * does not ask about the port a listener already holds).
 */
import net from 'node:net';

export function bindProbe(port: number, address: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export function listenerPortCheck(options: {
  readonly bindAddressFor: (scheme: 'internet-facing' | 'internal') => string;
  readonly servedByNode: (port: number) => boolean;
}): (port: number, scheme: 'internet-facing' | 'internal') => Promise<void | string> {
  return async (port, scheme) => {
    if (options.servedByNode(port)) return `Port ${port} is already in use on this host by another Berth listener`;
    const address = options.bindAddressFor(scheme);
    const err = await bindProbe(port, address);
    if (!err) return undefined;
    if (err.code === 'EADDRINUSE') return `Port ${port} is already in use on this host`;
    if (err.code === 'EACCES') return `Port ${port} cannot be opened on this host (permission denied; ports below 1024 need privileges)`;
    if (err.code === 'EADDRNOTAVAIL') return `Address ${address} is not available on this host for port ${port}`;
    return `Port ${port} cannot be opened on this host: ${err.code ?? err.message}`;
  };
}
