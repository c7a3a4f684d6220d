/** The kernel's ephemeral (outgoing) port range, which dynamic host ports keep clear of. */
import { readFile } from 'node:fs/promises';
import { LINUX_DEFAULT_EPHEMERAL, parsePortRange, type PortRange } from '../../scheduling/port-allocator.js';

export async function readEphemeralRange(path = '/proc/sys/net/ipv4/ip_local_port_range'): Promise<PortRange> {
  try {
    return parsePortRange(await readFile(path, 'utf8'));
  } catch {
    // Not Linux, or /proc not mounted: assume Linux's default.
    return { ...LINUX_DEFAULT_EPHEMERAL };
  }
}
