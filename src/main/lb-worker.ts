/**
 * The entry of one load-balancer worker process (forked by a node's primary through the cluster
 * module: src/load-balancer/workers/worker-fleet.ts). It waits for the primary's settings and tables.
 */
import { systemClock } from '../platform/clock.js';
import { systemRandom } from '../platform/random.js';
import { runLbWorker, type WorkerChannel } from '../load-balancer/workers/lb-worker.js';

const channel: WorkerChannel = {
  send: (m) => void process.send?.(m),
  on: (event, listener) => void process.on(event, listener),
};
// The primary gone means the node is gone: a worker never serves on alone. Signals are the
// primary's to handle (a Ctrl-C reaches the whole process group): it stops the workers in order.
process.on('disconnect', () => process.exit(0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
runLbWorker(channel, { clock: systemClock, random: systemRandom, exit: (code) => process.exit(code) });
