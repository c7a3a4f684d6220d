/**
 * gRPC reaches an ALB only over HTTP/2, and clients speak HTTP/2 to an ALB only over TLS (ALPN).
 * So ALB refuses a forward from an HTTP listener to a target group of protocol version GRPC with
 * IncompatibleProtocols, and so does Berth, in each operation that can bring the two together:
 * CreateListener and ModifyListener (the protocol, the default actions, or both change), and
 * CreateRule and ModifyRule (a rule's actions on a listener of a given protocol).
 */
import { AwsError } from '../../domain/aws-error.js';
import { actionTargetGroupArns, type Action } from '../../domain/elbv2/action.js';
import type { ArnScope } from '../../domain/elbv2/arn.js';
import { findTargetGroup } from './repository.js';
import type { Tx } from './transact.js';

/** Pure: the refusal for a listener protocol and the protocol versions of the groups it forwards to. */
export function grpcListenerProblem(protocol: 'HTTP' | 'HTTPS', groups: readonly { readonly ProtocolVersion?: string }[]): AwsError | undefined {
  if (protocol === 'HTTPS' || !groups.some((g) => g.ProtocolVersion === 'GRPC')) return undefined;
  // ALB's wording.
  return new AwsError('IncompatibleProtocols', `Listener protocol '${protocol}' is not supported with a target group with the protocol-version 'GRPC'`);
}

/**
 * Refuses `actions` on a listener of `protocol` when one forwards to a GRPC target group. A group
 * that does not exist is left to the caller's own lookup (TargetGroupNotFound), which runs after.
 */
export async function checkGrpcListener(tx: Tx, protocol: 'HTTP' | 'HTTPS', actions: readonly Action[], scope: ArnScope): Promise<void> {
  if (protocol === 'HTTPS') return;
  const groups = [];
  for (const arn of actionTargetGroupArns(actions)) {
    const tg = await findTargetGroup(tx, arn, scope);
    if (tg) groups.push(tg);
  }
  const problem = grpcListenerProblem(protocol, groups);
  if (problem) throw problem;
}
