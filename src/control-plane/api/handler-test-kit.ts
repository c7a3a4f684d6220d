/**
 * What the service handlers' unit tests share (Logs, SSM, Secrets Manager): a request context at a
 * given time, a caller by operation name, and the assertion that a call is refused with an AWS code.
 */
import assert from 'node:assert/strict';
import { AwsError } from '../../domain/aws-error.js';
import type { RequestContext } from './operation.js';

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

/** `p` rejects with an AwsError of `code` (and a message matching `message`, if given). */
export async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}
