/**
 * The entry of the load-balancer node that `berth up` and `berth server` run as a child process
 * (src/load-balancer/workers/node-process.ts starts it): the node's primary, fed through the
 * parent's port over IPC, forking the workers that serve. Signals are the parent's to handle: a
 * Ctrl-C reaches the whole process group, and the parent stops the node in order (or, gone, the
 * channel closes and the node goes with it).
 */
import { systemClock } from '../platform/clock.js';
import { systemRandom } from '../platform/random.js';
import { createLogger } from '../platform/logger.js';
import { IpcLbControlPlane, type NodeChannel } from '../load-balancer/workers/ipc-lb-control-plane.js';
import { isBerthMessage, type FromNode, type ToNode } from '../load-balancer/workers/node-process-messages.js';
import { startWorkerNode, type RunningWorkerNode } from '../load-balancer/workers/start-worker-node.js';
import { lbWorkerExec } from './lb-worker-exec.js';

const channel: NodeChannel = {
  send: (m: FromNode) => void process.send?.(m),
  on: (event, listener) => void process.on(event, listener),
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
process.on('disconnect', () => process.exit(0));

let running: RunningWorkerNode | undefined;
process.on('message', (raw: unknown) => {
  if (!isBerthMessage(raw)) return;
  const m = raw as ToNode;
  if (m.type === 'berth:node-start') void start(m.settings);
  if (m.type === 'berth:node-stop') {
    // Still starting: the fleet's workers go when this process does (their channel closes).
    if (!running) process.exit(0);
    void running.stop().finally(() => process.exit(0));
  }
  if (m.type === 'berth:scrape' && running) {
    const { metrics } = running;
    metrics.metrics().then(
      (text) => channel.send({ type: 'berth:scrape', id: m.id, text, contentType: metrics.contentType }),
      (err: unknown) => channel.send({ type: 'berth:scrape', id: m.id, text: '', contentType: metrics.contentType, error: String(err) }),
    );
  }
  if (m.type === 'berth:traffic' && running) void running.traffic().then((traffic) => channel.send({ type: 'berth:traffic', id: m.id, traffic }));
});
channel.send({ type: 'berth:hello' });

async function start(settings: Extract<ToNode, { type: 'berth:node-start' }>['settings']): Promise<void> {
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat }).child({ component: 'lb' });
  const { exec, execArgv } = lbWorkerExec();
  try {
    running = await startWorkerNode({
      controlPlane: new IpcLbControlPlane(channel),
      workers: settings.workers,
      workerExec: exec,
      workerExecArgv: execArgv,
      clock: systemClock,
      random: systemRandom,
      logger,
      logLevel: settings.logLevel,
      logFormat: settings.logFormat,
      dataDir: settings.dataDir,
      ...(settings.internalBindAddress ? { internalBindAddress: settings.internalBindAddress } : {}),
      ...(settings.publicBindAddress ? { publicBindAddress: settings.publicBindAddress } : {}),
      ...(settings.stickinessSecret ? { stickinessSecret: Buffer.from(settings.stickinessSecret) } : {}),
      onTable: (table) => channel.send({ type: 'berth:ports', ports: [...table.listeners.keys()] }),
    });
    channel.send({ type: 'berth:node-ready' });
  } catch (err) {
    channel.send({ type: 'berth:node-failed', error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}
