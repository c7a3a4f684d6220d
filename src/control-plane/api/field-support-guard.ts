/**
 * Puts the field-support table (src/domain/field-support.ts, checked by field-refusal.ts) in front of a service's handlers: a
 * request naming a member Berth refuses fails with the service's error before the handler runs, so
 * no handler can accept it and then ignore it. `firstChecks` are an operation's pure input checks that
 * must speak first, because AWS's own message is the better answer (RegisterTaskDefinition's
 * "Fargate only supports network mode 'awsvpc'." before Berth refuses awsvpc).
 */
import { checkFieldSupport } from '../../domain/field-refusal.js';
import type { Handlers, InputOf, OperationHandler, OperationName, RequestContext, ServiceHandlers, WireService } from './operation.js';

/** An operation's pure checks on its typed input, run before the field-support table. */
export type FirstChecks<S extends WireService> = { readonly [O in OperationName<S>]?: (input: InputOf<S, O>, ctx: RequestContext) => void };

type FirstCheck = { check(input: unknown, ctx: RequestContext): void }['check'];

export function guardFieldSupport<S extends WireService>(service: S, handlers: Handlers<S>, firstChecks: FirstChecks<S> = {}): ServiceHandlers {
  const out: Record<string, OperationHandler> = {};
  const checks: Readonly<Record<string, FirstCheck | undefined>> = firstChecks;
  for (const [operation, handler] of Object.entries<OperationHandler | undefined>(handlers)) {
    if (handler === undefined) continue;
    const first = checks[operation];
    out[operation] = async (input: unknown, ctx) => {
      first?.(input, ctx);
      checkFieldSupport(service, operation, input);
      return handler(input, ctx);
    };
  }
  return out;
}
