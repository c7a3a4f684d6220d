/**
 * A listener that could not open its port, and what one swap of listeners did. Apart from
 * listener-server.ts so that a node's primary, which serves nothing itself, reads them without
 * loading the proxy (its start is on the path of a restarted node's first request).
 */
export class ListenerBindError extends Error {
  override readonly name = 'ListenerBindError';
  constructor(
    readonly port: number,
    readonly address: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApplyResult {
  readonly opened: number[];
  readonly closed: number[];
  readonly failed: ListenerBindError[];
}
