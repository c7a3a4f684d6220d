/**
 * An error a caller should see on the wire, by its AWS code. Domain code throws these; the API
 * front doors map them to the ECS JSON or ELBv2/EC2 XML envelope in one place
 * (src/control-plane/api/wire-error.ts). Anything that is not an AwsError becomes a 500
 * ServerException / InternalFailure without leaking its stack.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    /** The exact AWS error code, e.g. `ClusterNotFoundException`, `TargetGroupNotFound`, `ValidationError`. */
    readonly code: string,
    message: string,
    /** HTTP status; 400 unless the catalogue says otherwise. */
    readonly status: number = 400,
    /** Extra members of the modeled error shape (e.g. `resourceIds` for ConflictException). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
