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
  /**
   * RegisterTargets accepts loopback `ip` targets (127.0.0.0/8, ::1): local development, where tasks
   * listen on 127.0.0.1. Off by default, as in ALB; link-local (the metadata service), unspecified,
   * broadcast and multicast addresses stay refused either way.
   */
  readonly allowLoopbackTargets?: boolean;
  readonly checkListenerPort?: (port: number, scheme: 'internet-facing' | 'internal') => Promise<void | string>;
}
