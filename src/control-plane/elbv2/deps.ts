import type { Store } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';

export interface Elbv2Deps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
  /**
   * Whether a listener may take `port` on this host: undefined when free, else the reason. Called by
   * CreateListener and ModifyListener only when a listener is about to claim a port it does not
   * hold yet. Absent: no check (a control plane without a local load-balancer node).
   */
  readonly checkListenerPort?: (port: number, scheme: 'internet-facing' | 'internal') => Promise<void | string>;
}
