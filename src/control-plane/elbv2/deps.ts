import type { Store } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';

export interface Elbv2Deps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
}
