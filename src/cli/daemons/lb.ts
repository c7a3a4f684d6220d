/**
 * `berth lb --server URL[,URL...] --advertise-ip IP`: a load-balancer node on its own, fed by the
 * load-balancer node protocol from the servers given (src/main/lb.ts composes it). This file only
 * parses flags.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { refuseSecretFlag, UsageError } from '../../main/config.js';
import { startLbNode } from '../../main/lb.js';
import { parseServerUrls } from '../../platform/server-failover.js';
import { createLogger } from '../../platform/logger.js';
import { untilSignal } from './until-signal.js';

export const LB_FLAGS_HELP = `berth lb flags (each has an env twin, e.g. --server / BERTH_SERVER):
  --server URL[,URL...]  the servers (berth server replicas) to follow; calls fail over between them (required)
  --advertise-ip IP      this node's address: every listener binds there (required)
  --node-id ID           this node's stable name in target health (default lb-<advertise-ip>)
  --data-dir DIR         access logs (default ./.berth-lb)
  --access-key-id ID     with BERTH_SECRET_ACCESS_KEY (env only): sign every call (needed under --auth sigv4)
  --stickiness-secret-file FILE  signs stickiness cookies; give every node of a load balancer the same file
  --log-level LEVEL      pino level (default info)`;

export async function runLb(argv: readonly string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        server: { type: 'string' },
        'advertise-ip': { type: 'string' },
        'node-id': { type: 'string' },
        'data-dir': { type: 'string' },
        'access-key-id': { type: 'string' },
        'secret-access-key': { type: 'string' },
        'stickiness-secret-file': { type: 'string' },
        'log-level': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  refuseSecretFlag(values);
  const pick = (flag: string): string | undefined =>
    (values[flag] as string | undefined) ?? (process.env[`BERTH_${flag.toUpperCase().replaceAll('-', '_')}`] || undefined);
  const server = pick('server');
  const advertiseIp = pick('advertise-ip');
  if (!server) throw new UsageError('--server URL[,URL...] is required');
  if (!advertiseIp) throw new UsageError('--advertise-ip IP is required');
  let servers: string[];
  try {
    servers = parseServerUrls(server);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const accessKeyId = pick('access-key-id');
  const secretAccessKey = pick('secret-access-key');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new UsageError('--access-key-id and BERTH_SECRET_ACCESS_KEY go together');
  const secretFile = pick('stickiness-secret-file');
  let stickinessSecret: Buffer | undefined;
  if (secretFile) {
    const { readFileSync } = await import('node:fs');
    stickinessSecret = readFileSync(secretFile);
  }
  const logger = createLogger({ level: pick('log-level') ?? 'info' });
  const nodeId = pick('node-id') ?? `lb-${advertiseIp}`;
  const running = await startLbNode(
    {
      servers,
      advertiseIp,
      nodeId,
      dataDir: resolve(pick('data-dir') ?? './.berth-lb'),
      ...(accessKeyId && secretAccessKey ? { accessKey: { accessKeyId, secretAccessKey } } : {}),
      ...(stickinessSecret ? { stickinessSecret } : {}),
    },
    logger,
  );
  process.stdout.write(`Berth load-balancer node is up.\n  node: ${nodeId} on ${advertiseIp}\n  servers: ${servers.join(', ')}\n`);
  await untilSignal(() => running.stop(), logger);
  return 0;
}
