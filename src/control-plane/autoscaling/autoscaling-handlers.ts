/** The Application Auto Scaling subset Berth serves: ECS services' desired count. */
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { ServiceHandlers } from '../api/operation.js';
import { scalableTargetHandlers } from './scalable-targets.js';
import { scalingActivityHandlers } from './scaling-activities.js';
import { scalingPolicyHandlers } from './scaling-policies.js';
import { scheduledActionHandlers } from './scheduled-actions.js';

export function createAutoScalingHandlers(deps: { store: Store; random: Random }): ServiceHandlers {
  return guardFieldSupport('applicationautoscaling', {
    ...scalableTargetHandlers(deps),
    ...scalingPolicyHandlers(deps),
    ...scheduledActionHandlers(deps),
    ...scalingActivityHandlers(deps),
  });
}
