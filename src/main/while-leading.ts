/**
 * Runs the controllers on this replica only while it leads: `start` when the gate says leading,
 * the stopper it returned when it says deposed. Transitions run one after another, so a quick
 * lose-then-win never has two sets of controllers at once.
 */
import type { LeaderGate } from '../store/leader-gate.js';
import type { Logger } from '../platform/logger.js';

export type StartControllers = () => Promise<() => Promise<void>>;

export interface WhileLeading {
  /** Resolves when the controllers first started (never, on a replica that never leads). */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}

export function whileLeading(gate: LeaderGate, start: StartControllers, logger?: Logger): WhileLeading {
  let chain: Promise<void> = Promise.resolve();
  let stopController: (() => Promise<void>) | undefined;
  let stopped = false;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((r) => (markStarted = r));

  const stopNow = async () => {
    const s = stopController;
    stopController = undefined;
    if (s) await s();
  };
  const apply = async (leading: boolean) => {
    if (stopped) return;
    if (leading && !stopController && gate.term()) {
      stopController = await start();
      logger?.info('controllers started (this server leads)');
      markStarted();
      // Deposed while starting: the 'false' already queued behind us stops them.
    } else if (!leading && stopController) {
      await stopNow();
      logger?.warn('controllers stopped (this server no longer leads)');
    }
  };
  const unsubscribe = gate.onChange((leading) => {
    chain = chain.then(() => apply(leading)).catch((err) => logger?.error({ err }, 'controllers failed to start or stop'));
  });
  return {
    started,
    async stop() {
      stopped = true;
      unsubscribe();
      await chain;
      await stopNow();
    },
  };
}
