/** The ELBv2 operations Berth serves, by model operation name. */
import type { ServiceHandlers } from '../api/operation.js';
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { Elbv2Deps } from './deps.js';
import { accountLimitHandlers } from './account-limits.js';
import { listenerAttributeHandlers } from './listener-attributes.js';
import { listenerHandlers } from './listeners.js';
import { listenerTlsHandlers } from './listener-tls.js';
import { loadBalancerHandlers } from './load-balancers.js';
import { loadBalancerNetworkHandlers } from './load-balancer-network.js';
import { ruleHandlers } from './rules.js';
import { tagHandlers } from './tags.js';
import { targetGroupHandlers } from './target-groups.js';
import { targetHandlers } from './targets.js';

export type { Elbv2Deps };

export function createElbv2Handlers(deps: Elbv2Deps): ServiceHandlers {
  return guardFieldSupport('elbv2', {
    ...loadBalancerHandlers(deps),
    ...loadBalancerNetworkHandlers(deps),
    ...targetGroupHandlers(deps),
    ...targetHandlers(deps),
    ...listenerHandlers(deps),
    ...listenerTlsHandlers(deps),
    ...listenerAttributeHandlers(deps),
    ...ruleHandlers(deps),
    ...tagHandlers(deps),
    ...accountLimitHandlers(),
  });
}
