/**
 * The responses the load balancer itself makes, as an ALB makes them: `Server: awselb/2.0` and
 * the short nginx-style HTML page, so clients and dashboards that match on them keep working.
 */
import type { Duplex } from 'node:stream';
import type http2 from 'node:http2';
import { isH2Response, writeHeadObject, type ClientResponse } from './h2-bridge.js';
import { encodeGrpcMessage, grpcStatusForHttp, isGrpcRequest } from './grpc-protocol.js';

const titles: Record<number, string> = {
  400: '400 Bad Request',
  403: '403 Forbidden',
  405: '405 Not Allowed',
  408: '408 Request Time-out',
  413: '413 Request Entity Too Large',
  414: '414 Request-URI Too Large',
  431: '400 Bad Request',
  460: '460',
  463: '463',
  464: '464',
  500: '500 Internal Server Error',
  501: '501 Not Implemented',
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
  505: '505 HTTP Version Not Supported',
};

const bodies = new Map<number, Buffer>();

export function albErrorBody(status: number): Buffer {
  let b = bodies.get(status);
  if (!b) {
    const title = titles[status] ?? String(status);
    b = Buffer.from(`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`);
    bodies.set(status, b);
  }
  return b;
}

export const albServer = 'awselb/2.0';

/** An ALB error on a normal response; `close` asks the client connection to close afterwards. */
export function sendAlbError(res: ClientResponse, status: number, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isH2Response(res) && isGrpcRequest(res.req)) {
    sendGrpcError(res, status);
    return;
  }
  const body = albErrorBody(status);
  // HTTP/2 has no Connection header; closing there is the session's business, not one stream's.
  if (isH2Response(res)) close = false;
  writeHeadObject(res, status, {
    Server: albServer,
    Date: new Date().toUTCString(),
    'Content-Type': 'text/html',
    'Content-Length': body.length,
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

/**
 * The same error for a gRPC call: a gRPC client reads no HTML page, so the answer is gRPC's
 * trailers-only response (one HEADERS frame: `:status 200`, `grpc-status` from the HTTP status by
 * gRPC's own mapping, `grpc-message` naming the ALB error), as gRPC-aware proxies answer.
 */
function sendGrpcError(res: http2.Http2ServerResponse, status: number): void {
  const stream = res.stream;
  if (stream.destroyed) return;
  stream.respond(
    {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(grpcStatusForHttp(status)),
      'grpc-message': encodeGrpcMessage(titles[status] ?? String(status)),
      server: albServer,
      date: new Date().toUTCString(),
    },
    { endStream: true },
  );
  // A client still sending (a streaming call) is read to its end, not left waiting on flow control.
  res.req.resume();
}

/** An ALB error written straight to a socket (parser errors, refused upgrades), then close. */
export function writeRawAlbError(socket: Duplex, status: number): void {
  const body = albErrorBody(status);
  const reason = (titles[status] ?? String(status)).replace(/^\d+ ?/, '');
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nServer: ${albServer}\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('latin1')}`,
      'latin1',
    );
  }
}
