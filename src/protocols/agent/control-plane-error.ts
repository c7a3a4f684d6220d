/** How the control plane refuses a call: `{code, message}` with the status of the AwsError behind it. */
/** The error body of every non-2xx answer. */
export interface ProtocolErrorBody {
  code: string;
  message: string;
}

/** What either client throws for an answer the control plane refused. */
export class ControlPlaneError extends Error {
  override readonly name = 'ControlPlaneError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
