/**
 * The one place errors reach the wire. An AwsError keeps its code and message in the envelope of
 * the protocol that was spoken; anything else is our bug: it is logged with its stack and the
 * caller sees a bare 500 (ServerException for ECS, InternalFailure for Query, InternalError for EC2).
 */
import { AwsError } from '../../domain/aws-error.js';
import { StoreUnavailableError } from '../../store/store.js';
import type { Logger } from '../../platform/logger.js';
import { encodeCborValue, CBOR_CONTENT_TYPE, SMITHY_PROTOCOL } from './cbor-codec.js';
import type { ServiceModel } from './model.js';
import { escapeXml } from './xml-encoder.js';

/** The envelopes errors and answers come in; `cbor` is Smithy RPC v2 CBOR (CloudWatch's newest). */
export type WireProtocol = 'json' | 'query' | 'ec2' | 'cbor';

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** Codes whose HTTP status is not 400. An AwsError thrown with the default 400 takes these. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  HealthUnavailable: 500,
  InsufficientCapacity: 500,
  PriorRequestNotComplete: 429,
  ServerException: 500,
  InternalFailure: 500,
  InternalError: 500,
  ServiceUnavailable: 503,
  ThrottlingException: 400,
  // Coral's JSON codes (AccessDeniedException, UnrecognizedClientException, InvalidSignatureException,
  // MissingAuthenticationTokenException) are 400s; the Query family's are 403s.
  AccessDenied: 403,
  UnauthorizedOperation: 403,
  SignatureDoesNotMatch: 403,
  InvalidClientTokenId: 403,
  MissingAuthenticationToken: 403,
  IncompleteSignature: 403,
  AuthFailure: 401,
  RequestEntityTooLarge: 413,
  NotFound: 404,
};

export function statusOf(err: AwsError): number {
  return err.status === 400 ? (ERROR_STATUS[err.code] ?? 400) : err.status;
}

const ELBV2_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

function internal(protocol: WireProtocol, message = 'An internal error occurred. Please try again later.'): AwsError {
  const code = protocol === 'json' || protocol === 'cbor' ? 'ServerException' : protocol === 'ec2' ? 'InternalError' : 'InternalFailure';
  return new AwsError(code, message, 500);
}

export interface ErrorContext {
  readonly requestId: string;
  /** Query envelope namespace; ELBv2's by default. */
  readonly namespace?: string;
  readonly logger?: Logger;
  /**
   * The service that was asked. Its model gives a modeled error's HTTP status, and for a Query-
   * compatible service (CloudWatch) the exception shape a Query code goes by in JSON and CBOR.
   */
  readonly model?: ServiceModel;
}

/** JSON/CBOR `__type` and the extra headers of a Query-compatible service (undefined: neither applies). */
function queryCompatible(model: ServiceModel | undefined, err: AwsError, status: number): { type: string; headers: Record<string, string> } | undefined {
  if (!model?.metadata.awsQueryCompatible) return undefined;
  return {
    type: model.errorShapeFor(err.code) ?? err.code,
    headers: { 'x-amzn-query-error': `${err.code};${status >= 500 ? 'Receiver' : 'Sender'}` },
  };
}

/** A modeled error's status (CloudWatch's ResourceNotFound is a 404), for errors thrown with the default 400. */
function modeledStatus(model: ServiceModel | undefined, err: AwsError): number {
  if (err.status !== 400 || ERROR_STATUS[err.code] !== undefined || !model) return statusOf(err);
  const shape = model.errorShapeFor(err.code);
  return (shape !== undefined ? model.shape(shape).error?.httpStatusCode : undefined) ?? 400;
}

export function errorResponse(protocol: WireProtocol, error: unknown, ctx: ErrorContext): WireResponse {
  let err: AwsError;
  if (error instanceof AwsError) {
    err = error;
  } else if (error instanceof StoreUnavailableError) {
    // Not a bug but the host (disk full, database locked): the 500 says which, so an operator can act.
    ctx.logger?.warn({ reason: error.reason, requestId: ctx.requestId }, error.message);
    err = internal(protocol, error.message);
  } else {
    ctx.logger?.error({ err: error, requestId: ctx.requestId }, 'unhandled error in API handler');
    err = internal(protocol);
  }
  const status = modeledStatus(ctx.model, err);
  const compat = queryCompatible(ctx.model, err, status);
  const requestId = escapeXml(ctx.requestId);
  const code = escapeXml(err.code);
  const message = escapeXml(err.message);
  switch (protocol) {
    case 'json':
      return {
        status,
        headers: {
          'content-type': `application/x-amz-json-${ctx.model?.metadata.jsonVersion ?? '1.1'}`,
          'x-amzn-errortype': compat?.type ?? err.code,
          ...compat?.headers,
        },
        body: JSON.stringify({ ...err.fields, __type: compat?.type ?? err.code, [ctx.model?.errorMessageMember(err.code) ?? 'message']: err.message }),
      };
    case 'cbor':
      return {
        status,
        headers: { 'content-type': CBOR_CONTENT_TYPE, 'smithy-protocol': SMITHY_PROTOCOL, ...compat?.headers },
        body: encodeCborValue({ ...err.fields, __type: compat?.type ?? err.code, message: err.message }),
      };
    case 'query':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body:
          `<ErrorResponse xmlns="${ctx.namespace ?? ELBV2_NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'ec2':
      return {
        status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message>` +
          `</Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
  }
}
