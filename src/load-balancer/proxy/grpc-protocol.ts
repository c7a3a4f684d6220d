/**
 * The parts of gRPC over HTTP/2 the load balancer reads or writes itself (pure): which requests are
 * gRPC calls, which target groups may take which requests (ALB's protocol-version table), the
 * status code a gRPC client gets for an answer the load balancer makes, and the one message a
 * health check sends. Messages on the wire are 5-byte length-prefixed frames (a compressed flag, a
 * big-endian length); the load balancer never parses them, it streams them.
 */
import type http2 from 'node:http2';

/** gRPC's `content-type`: `application/grpc`, optionally `+proto`, `+json`, ...; gRPC-Web is another protocol. */
export function isGrpcContentType(value: string | undefined): boolean {
  if (value === undefined || !value.startsWith('application/grpc')) return false;
  const rest = value.charCodeAt(16);
  return Number.isNaN(rest) || rest === 43 /* + */ || rest === 59 /* ; */;
}

/** A gRPC call: HTTP/2 and gRPC's content type (gRPC has no HTTP/1.1 binding). */
export function isGrpcRequest(req: { readonly httpVersion: string; readonly headers: { readonly 'content-type'?: string } }): boolean {
  return req.httpVersion === '2.0' && isGrpcContentType(req.headers['content-type']);
}

/** gRPC status codes the load balancer uses. */
export const GrpcStatus = { OK: 0, UNKNOWN: 2, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/**
 * The gRPC status for an answer the load balancer makes itself (503 no target, 502 target failed,
 * 504 timeout, 4xx refusals), from gRPC's HTTP-to-gRPC mapping (doc/http-grpc-status-mapping.md), so
 * a client reads the same code it would derive from the HTTP status.
 */
export function grpcStatusForHttp(status: number): number {
  switch (status) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** `grpc-message` is percent-encoded: printable ASCII but `%` goes as is (gRPC PROTOCOL-HTTP2.md). */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Whether a target group can take this request, as ALB decides (Target group protocol version
 * table): a GRPC group takes gRPC calls and other HTTP/2 POSTs; a gRPC call cannot go to an HTTP1
 * group (HTTP/1.1 has no trailers). Anything else is ALB's 464 (incompatible protocol).
 */
export function protocolCompatible(
  req: { readonly httpVersion: string; readonly method?: string | undefined; readonly headers: { readonly 'content-type'?: string } },
  version: 'HTTP1' | 'HTTP2' | 'GRPC',
): boolean {
  const grpc = isGrpcRequest(req);
  if (version === 'GRPC') return grpc || (req.httpVersion === '2.0' && req.method === 'POST');
  if (version === 'HTTP1') return !grpc;
  return true;
}

/**
 * Whether a forwarded request takes the HTTP/2 stream path (grpc-forward.ts) rather than the pooled
 * HTTP/1.1/h2 one: every request to a GRPC group, and gRPC calls to an HTTP2 group, whose answer
 * ends in trailers the pooled path does not relay.
 */
export function takesStreamPath(
  req: { readonly httpVersion: string; readonly headers: { readonly 'content-type'?: string } },
  version: 'HTTP1' | 'HTTP2' | 'GRPC',
): boolean {
  return version === 'GRPC' || (version === 'HTTP2' && isGrpcRequest(req));
}

/** An empty message (`google.protobuf.Empty`, or any message with no fields set): flag 0, length 0. */
export const emptyGrpcMessage: Buffer = Buffer.alloc(5);

/** `grpc-status` from a header block (trailers, or the headers of a trailers-only answer); undefined if absent or malformed. */
export function grpcStatusOf(headers: http2.IncomingHttpHeaders): number | undefined {
  const v = headers['grpc-status'];
  if (typeof v !== 'string' || !/^\d{1,3}$/.test(v)) return undefined;
  return Number(v);
}
