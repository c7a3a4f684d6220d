/**
 * Puts the field-support table (src/domain/field-support.ts, checked by field-refusal.ts) in front of a service's handlers: a
 * request naming a member Berth refuses fails with the service's error before the handler runs, so
 * no handler can accept it and then ignore it. `firstChecks` are an operation's pure input checks that
 * must speak first, because AWS's own message is the better answer (RegisterTaskDefinition's
 * "Fargate only supports network mode 'awsvpc'." before Berth refuses awsvpc).
 */
import { checkFieldSupport } from '../../domain/field-refusal.js';
import type { ServiceName } from '../../domain/field-support.js';
import type { OperationHandler, RequestContext, ServiceHandlers } from './operation.js';

export function guardFieldSupport(
  service: ServiceName,
  handlers: ServiceHandlers,
  firstChecks: Readonly<Record<string, (input: never, ctx: RequestContext) => void>> = {},
): ServiceHandlers {
  const out: Record<string, OperationHandler> = {};
  for (const [operation, handler] of Object.entries(handlers)) {
    const first = firstChecks[operation] as ((input: unknown, ctx: RequestContext) => void) | undefined;
    out[operation] = async (input: unknown, ctx) => {
      first?.(input, ctx);
      checkFieldSupport(service, operation, input);
      return handler(input, ctx);
    };
  }
  return out;
}
