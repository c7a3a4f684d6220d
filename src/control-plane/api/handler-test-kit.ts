/**
 * What the service handlers' unit tests share (Logs, SSM, Secrets Manager): a request context at a
 * given time, a caller by operation name (typed by operation: `operationCaller`), and the assertion that a call is refused with an AWS code.
 */
import assert from 'node:assert/strict';
import { AwsError } from '../../domain/aws-error.js';
import type { OperationName, OutputOf, RequestContext, ServiceHandlers, WireService } from './operation.js';

/** Not Berth's ACCOUNT_ID: a handler that builds ARNs from the constant instead of the context shows. */
export const TEST_ACCOUNT_ID = '123456789012';

export function requestContext(now: number, region = 'us-east-1'): RequestContext {
  return { requestId: 'r', region, accountId: TEST_ACCOUNT_ID, now, sourceIp: '127.0.0.1' };
}

/** Calls `handlers[op]` with a fresh context from `ctx` (read at call time, so a test can move time). */
export function handlerCaller(handlers: Readonly<Record<string, unknown>>, ctx: (region?: string) => RequestContext) {
  return (op: string, input: object, region?: string): Promise<Record<string, unknown>> =>
    (handlers[op] as (i: object, c: RequestContext) => Promise<Record<string, unknown>>)(input, ctx(region));
}

/**
 * A handler's answer as a test reads it: the model's output type (so a member the model lacks is a compile
 * error), with every member present, because a test reads by path and a missing one fails it where it is read.
 */
export type Answer<T> = T extends readonly (infer E)[] ? Answer<E>[] : T extends object ? { [K in keyof T]-?: Answer<NonNullable<T[K]>> } : T;

/**
 * Calls service `S`'s handlers as the front door would, typed by operation (`call('DescribeRules', {...})`).
 * Inputs stay plain objects: tests also send what the decoder would refuse.
 */
export function operationCaller<S extends WireService>(handlers: ServiceHandlers, ctx: () => RequestContext) {
  return async <O extends OperationName<S>>(op: O, input: object = {}): Promise<Answer<OutputOf<S, O>>> => {
    const fn = handlers[op];
    assert.ok(fn, `no handler for ${op}`);
    return (await fn(input, ctx())) as Answer<OutputOf<S, O>>;
  };
}

/** What `operationCaller<S>` returns. */
export type OperationCaller<S extends WireService> = ReturnType<typeof operationCaller<S>>;

/** `p` rejects with an AwsError of `code` (and a message matching `message`, if given). */
export async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}
