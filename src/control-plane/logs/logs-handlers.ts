/** The CloudWatch Logs operations Berth serves, by model operation name. */
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { Store } from '../../store/store.js';
import type { ServiceHandlers } from '../api/operation.js';
import { logEventHandlers } from './log-events.js';
import { logGroupHandlers } from './log-groups.js';
import { logStreamHandlers } from './log-streams.js';

export interface LogsDeps {
  readonly store: Store;
}

export function createLogsHandlers(deps: LogsDeps): ServiceHandlers {
  return guardFieldSupport('logs', { ...logGroupHandlers(deps), ...logStreamHandlers(deps), ...logEventHandlers(deps) });
}
