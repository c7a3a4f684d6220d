/** The ACM operations Berth serves, by model operation name. */
import { guardFieldSupport } from '../api/field-support-guard.js';
import type { ServiceHandlers } from '../api/operation.js';
import { certificateHandlers, type AcmDeps } from './certificates.js';

export type { AcmDeps } from './certificates.js';

export interface AcmService {
  readonly handlers: ServiceHandlers;
  /** Issues what a stop left PENDING_VALIDATION: called once at start-up. */
  resumePending(): Promise<void>;
}

export function createAcmService(deps: AcmDeps): AcmService {
  const { handlers, resumePending } = certificateHandlers(deps);
  return { handlers: guardFieldSupport('acm', handlers), resumePending };
}
