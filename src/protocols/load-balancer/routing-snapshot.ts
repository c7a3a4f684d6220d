/**
 * What a load-balancer node routes from: the whole set of routing-relevant records (never a diff),
 * at one store revision. A node builds its routing table from this alone, purely
 * (src/load-balancer/node/routing-source.ts), and keeps forwarding on the last one it got while no
 * server answers.
 */
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import type { SecurityGroupRecord } from '../../domain/ec2/security-group.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { ListenerRecord, RuleRecord } from '../../domain/elbv2/listener.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';

export interface RoutingRecords {
  readonly loadBalancers: readonly LoadBalancerRecord[];
  readonly listeners: readonly ListenerRecord[];
  readonly rules: readonly RuleRecord[];
  readonly targetGroups: readonly TargetGroupRecord[];
  readonly targets: readonly TargetRecord[];
  readonly securityGroups: readonly SecurityGroupRecord[];
  readonly containerInstances: readonly ContainerInstanceRecord[];
  /**
   * Issued certificates with their private keys opened by the server (a node terminates TLS with
   * them and never holds the sealing key). Only the ones an HTTPS listener may name.
   */
  readonly certificates?: readonly ListenerCertificate[];
}

/** One certificate as a node needs it: decrypted PEMs and the names it answers for. */
export interface ListenerCertificate {
  readonly arn: string;
  readonly certificatePem: string;
  readonly chainPem?: string;
  readonly privateKeyPem: string;
  /** DomainName and SubjectAlternativeNames, lower-cased; wildcards kept as `*.example.com`. */
  readonly names: readonly string[];
}

/** `GET routing?after=REV`: answered at once when the records changed after REV, else on the first change or the poll's timeout. */
export interface RoutingSnapshot {
  readonly version: number;
  /** The store revision the records are at; poll again with `after` set to it. */
  readonly revision: number;
  readonly records: RoutingRecords;
}
