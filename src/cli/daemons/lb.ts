/**
 * `berth lb --server URL[,URL...] --advertise-ip IP`: a load-balancer node on its own, fed by the
 * load-balancer node protocol from the servers given (src/main/lb.ts composes it). This file only
 * parses flags.
 */
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseLbWorkers, parseLogFormat, refuseSecretFlag, UsageError } from '../../main/config.js';
import { startLbNode } from '../../main/lb.js';
import { parseServerUrls } from '../../platform/server-failover.js';
import { createLogger } from '../../platform/logger.js';
import { StartUpTimeline } from '../../platform/start-up-timeline.js';
import { parseFlags, pickFlag, renderHelp, wantsHelp } from '../flags/flag-table.js';
import { LB_FLAGS, LB_USAGE } from '../flags/lb-flags.js';
import { untilSignal } from './until-signal.js';

export async function runLb(argv: readonly string[]): Promise<number> {
  const timeline = new StartUpTimeline();
  timeline.mark('modules');
  if (wantsHelp(argv)) {
    process.stdout.write(`${renderHelp(LB_USAGE, LB_FLAGS)}\n`);
    return 0;
  }
  const values = parseFlags(LB_FLAGS, argv);
  refuseSecretFlag(values);
  const pick = (flag: string): string | undefined => pickFlag(LB_FLAGS, values, process.env, flag);
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
  const secretAccessKey = process.env.BERTH_SECRET_ACCESS_KEY || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new UsageError('--access-key-id and BERTH_SECRET_ACCESS_KEY go together');
  const secretFile = pick('stickiness-secret-file');
  let stickinessSecret: Buffer | undefined;
  if (secretFile) {
    const { readFileSync } = await import('node:fs');
    stickinessSecret = readFileSync(secretFile);
  }
  const workers = parseLbWorkers(pick('lb-workers'), availableParallelism());
  const rawMetricsPort = pick('metrics-port');
  const metricsPort = rawMetricsPort === undefined ? undefined : Number(rawMetricsPort);
  if (metricsPort !== undefined && (!/^\d+$/.test(rawMetricsPort ?? '') || metricsPort > 65535)) {
    throw new UsageError(`--metrics-port must be 0-65535, got ${rawMetricsPort}`);
  }
  const logLevel = pick('log-level') ?? 'info';
  const logFormat = parseLogFormat(pick('log-format'));
  const logger = createLogger({ level: logLevel, format: logFormat });
  const nodeId = pick('node-id') ?? `lb-${advertiseIp}`;
  timeline.mark('config');
  const running = await startLbNode(
    {
      servers,
      advertiseIp,
      nodeId,
      dataDir: resolve(pick('data-dir') ?? './.berth-lb'),
      ...(accessKeyId && secretAccessKey ? { accessKey: { accessKeyId, secretAccessKey } } : {}),
      ...(stickinessSecret ? { stickinessSecret } : {}),
      workers,
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      logLevel,
      logFormat,
      timeline,
    },
    logger,
  );
  const metricsLine = running.metricsUrl ? `  metrics: ${running.metricsUrl}\n` : '';
  process.stdout.write(
    `Berth load-balancer node is up.\n  node: ${nodeId} on ${advertiseIp}, ${workers} worker${workers === 1 ? '' : 's'}\n  servers: ${servers.join(', ')}\n${metricsLine}`,
  );
  await untilSignal(() => running.stop(), logger);
  return 0;
}
