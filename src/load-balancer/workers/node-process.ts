/**
 * The control plane's handle on the load-balancer node it runs as a child process (`berth up`,
 * `berth server`): so that no request, health check or table build ever runs on the control
 * plane's event loop. The child is the node's primary (feed, health checker) and forks the
 * workers; this side runs the node's port calls on the in-process port it is given, answers
 * the CreateListener port check, and reads the node's metrics and traffic for the API and console.
 * A child that dies is started again (its workers die with it; the listeners come back on its table).
 *
 *   control plane ── InProcessLbControlPlane ── NodeProcess ══IPC══ node primary ══cluster══ workers
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../platform/logger.js';
import type { TargetGroupTraffic } from '../../domain/elbv2/traffic.js';
import type { LbControlPlane, RecordsSubscription } from '../../protocols/load-balancer/index.js';
import { listenerPortCheck } from '../node/listener-port-check.js';
import type { MetricsSource } from '../node/prometheus-metrics.js';
import { isBerthMessage, type FromNode, type NodeProcessSettings, type PortCall, type ToNode } from './node-process-messages.js';

export interface NodeProcessOptions {
  readonly controlPlane: LbControlPlane;
  /** The child's entry (src/main/lb-node-process.ts or its build) and its Node flags (default: this process's). */
  readonly exec: string;
  readonly execArgv?: readonly string[];
  readonly settings: NodeProcessSettings;
  readonly logger?: Logger;
  /** How long a scrape or a traffic read waits for the node. */
  readonly answerTimeoutMs?: number;
}

export interface RunningNodeProcess {
  /** Resolves once the node serves its first table (the caller starts the rest meanwhile); rejects if it could not start. */
  readonly ready: Promise<void>;
  readonly metrics: MetricsSource;
  readonly checkListenerPort: (port: number, scheme: 'internet-facing' | 'internal') => Promise<void | string>;
  /** The last second's traffic as last read; each call reads again in the background (the console asks every second). */
  readonly traffic: { snapshot(): ReadonlyMap<string, TargetGroupTraffic> };
  /** The node's primary (tests kill it). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export function startNodeProcess(options: NodeProcessOptions): RunningNodeProcess {
  const { controlPlane, logger } = options;
  let child: ChildProcess | undefined;
  let subscription: RecordsSubscription | undefined;
  let stopping = false;
  /** The child listens: before that a message to it is lost. */
  let helloed = false;
  let ports = new Set<number>();
  let traffic: ReadonlyMap<string, TargetGroupTraffic> = new Map();
  let reading = false;
  let nextId = 0;
  const waiting = new Map<number, (m: FromNode | undefined) => void>();

  const send = (m: ToNode): void => {
    if (child?.connected) child.send(m);
  };
  const run = async (call: PortCall): Promise<void> => {
    if (call.method === 'heartbeat') return controlPlane.heartbeat();
    if (call.method === 'reportDrained') return controlPlane.reportDrained(call.target, call.at);
    if (call.method === 'reportMetrics') return controlPlane.reportMetrics(call.samples);
    return controlPlane.reportTargetHealth(call.target, call.health);
  };
  const ask = (m: (id: number) => ToNode): Promise<FromNode | undefined> =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, options.answerTimeoutMs ?? 5000);
      timer.unref();
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      send(m(id));
    });

  const spawnChild = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const startedAt = Date.now();
      helloed = false;
      const c = fork(options.exec, [], { execArgv: [...(options.execArgv ?? process.execArgv)], serialization: 'advanced', stdio: 'inherit' });
      child = c;
      c.on('message', (raw: unknown) => {
        if (!isBerthMessage(raw)) return;
        const m = raw as FromNode;
        switch (m.type) {
          case 'berth:hello':
            helloed = true;
            c.send({ type: 'berth:node-start', settings: options.settings } satisfies ToNode);
            return;
          case 'berth:watch':
            subscription?.close();
            void controlPlane
              .watchRecords(
                (records) => send({ type: 'berth:records', records }),
                (err) => logger?.warn({ err }, 'routing records watch failed'),
              )
              .then((s) => (subscription = s));
            return;
          case 'berth:call':
            run(m.call).then(
              () => send({ type: 'berth:reply', id: m.id }),
              (err: unknown) => send({ type: 'berth:reply', id: m.id, error: err instanceof Error ? err.message : String(err) }),
            );
            return;
          case 'berth:ports':
            ports = new Set(m.ports);
            return;
          case 'berth:node-ready':
            return resolve();
          case 'berth:node-failed':
            return reject(new Error(`the load-balancer node did not start: ${m.error}`));
          case 'berth:scrape':
          case 'berth:traffic': {
            const answer = waiting.get(m.id);
            waiting.delete(m.id);
            answer?.(m);
            return;
          }
        }
      });
      c.once('exit', (code, signal) => {
        subscription?.close();
        subscription = undefined;
        for (const [id, answer] of waiting) {
          waiting.delete(id);
          answer(undefined);
        }
        reject(new Error(`the load-balancer node exited (${signal ?? code}) before it was up`));
        if (stopping) return;
        logger?.warn({ code, signal }, 'the load-balancer node process died; starting another');
        const wait = Math.max(0, 1000 - (Date.now() - startedAt));
        setTimeout(() => {
          if (!stopping) spawnChild().catch((err: unknown) => logger?.error({ err }, 'the load-balancer node could not start again'));
        }, wait).unref();
      });
    });

  const ready = spawnChild();
  // Unobserved until the caller awaits it; a failure is the caller's to report.
  ready.catch(() => undefined);
  const bindAddressFor = (scheme: 'internet-facing' | 'internal'): string =>
    scheme === 'internal' ? (options.settings.internalBindAddress ?? '127.0.0.1') : (options.settings.publicBindAddress ?? '0.0.0.0');
  return {
    ready,
    metrics: {
      contentType: PROMETHEUS_TEXT,
      async metrics() {
        const answer = await ask((id) => ({ type: 'berth:scrape', id }));
        if (answer?.type !== 'berth:scrape') throw new Error('the load-balancer node did not answer the scrape');
        if (answer.error !== undefined) throw new Error(answer.error);
        return answer.text;
      },
    },
    checkListenerPort: listenerPortCheck({ bindAddressFor, servedByNode: (port) => ports.has(port) }),
    traffic: {
      snapshot() {
        if (!reading) {
          reading = true;
          void ask((id) => ({ type: 'berth:traffic', id })).then((answer) => {
            reading = false;
            if (answer?.type === 'berth:traffic') traffic = answer.traffic;
          });
        }
        return traffic;
      },
    },
    pid: () => child?.pid,
    async stop() {
      stopping = true;
      subscription?.close();
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      const kill = setTimeout(() => c.kill('SIGKILL'), 15_000);
      kill.unref();
      // Not listening yet, it has nothing to finish: no message would reach it anyway.
      if (helloed) send({ type: 'berth:node-stop' });
      else c.kill('SIGKILL');
      await exited;
      clearTimeout(kill);
    },
  };
}
