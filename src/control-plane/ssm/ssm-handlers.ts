/** The Parameter Store operations Berth serves, by model operation name. */
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { ServiceHandlers } from '../api/operation.js';
import { parameterTagHandlers } from './parameter-tags.js';
import { parameterHandlers } from './parameters.js';
import type { SsmDeps } from './ssm-context.js';

export type { SsmDeps } from './ssm-context.js';

export function createSsmHandlers(deps: SsmDeps): ServiceHandlers {
  return guardFieldSupport('ssm', { ...parameterHandlers(deps), ...parameterTagHandlers(deps) });
}
