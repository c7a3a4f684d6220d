/** The Secrets Manager operations Berth serves, by model operation name. */
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { ServiceHandlers } from '../api/operation.js';
import { secretHandlers, type SecretsManagerDeps } from './secrets.js';

export type { SecretsManagerDeps } from './secrets.js';

export function createSecretsManagerHandlers(deps: SecretsManagerDeps): ServiceHandlers {
  return guardFieldSupport('secretsmanager', secretHandlers(deps));
}
