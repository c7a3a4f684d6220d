/**
 * The boundary between the wire protocols and the domain.
 *
 * A protocol front door (ECS JSON 1.1, ELBv2 Query, EC2 Query) parses and validates a request against
 * the vendored AWS model, then calls the handler registered for `<service>.<operation>` with a plain
 * object whose members are exactly the model's input members:
 *  - structures are objects, lists are arrays, maps are objects;
 *  - integers/longs/doubles are numbers, booleans are booleans;
 *  - timestamps are epoch milliseconds (numbers).
 * The handler returns a plain object of the model's output members (timestamps as epoch ms numbers
 * or Date); the protocol serializes only members the output shape declares. Handlers throw AwsError
 * (src/domain/aws-error.ts) for anything the caller should see.
 */
import type { Operations as AcmOperations } from './wire-types/acm.js';
import type { Operations as ApplicationAutoScalingOperations } from './wire-types/applicationautoscaling.js';
import type { Operations as CloudWatchOperations } from './wire-types/cloudwatch.js';
import type { Operations as Ec2Operations } from './wire-types/ec2.js';
import type { Operations as EcsOperations } from './wire-types/ecs.js';
import type { Operations as Elbv2Operations } from './wire-types/elbv2.js';
import type { Operations as LogsOperations } from './wire-types/logs.js';
import type { Operations as SecretsManagerOperations } from './wire-types/secretsmanager.js';
import type { Operations as SsmOperations } from './wire-types/ssm.js';
import type { Operations as StsOperations } from './wire-types/sts.js';

export interface RequestContext {
  readonly requestId: string;
  /** From the SigV4 credential scope; us-east-1 when unsigned. */
  readonly region: string;
  readonly accountId: string;
  /** Epoch ms when the request arrived. */
  readonly now: number;
  /** The client's socket address. */
  readonly sourceIp: string;
  /** The access key the request was signed with (verified under `--auth sigv4`, as claimed otherwise). */
  readonly accessKeyId?: string;
}

/** Each service's operations, generated from its model by scripts/wire-types.ts (src/control-plane/api/wire-types/). */
export interface WireOperations {
  ecs: EcsOperations;
  elbv2: Elbv2Operations;
  ec2: Ec2Operations;
  sts: StsOperations;
  ssm: SsmOperations;
  secretsmanager: SecretsManagerOperations;
  logs: LogsOperations;
  acm: AcmOperations;
  cloudwatch: CloudWatchOperations;
  applicationautoscaling: ApplicationAutoScalingOperations;
}

export type WireService = keyof WireOperations;
export type OperationName<S extends WireService> = keyof WireOperations[S] & string;
type OperationOf<S extends WireService, O extends OperationName<S>> = WireOperations[S][O] extends { input: infer I; output: infer R }
  ? { input: I; output: R }
  : never;

/** What the decoder hands the handler of `S.O`: the model's input, validated (required members present, enums in their sets). */
export type InputOf<S extends WireService, O extends OperationName<S>> = OperationOf<S, O>['input'];
/** What the handler of `S.O` may return: the model's output members, all optional. */
export type OutputOf<S extends WireService, O extends OperationName<S>> = OperationOf<S, O>['output'];

/**
 * The return annotation every handler carries (`async CreateCluster(input, ctx): Reply<'ecs', 'CreateCluster'>`).
 * TypeScript checks a returned object literal for members the type lacks only against a declared return
 * type, never against the contextual type of a table entry, so the annotation is what makes a member the
 * model lacks a compile error.
 */
export type Reply<S extends WireService, O extends OperationName<S>> = Promise<OutputOf<S, O>>;

export type Handler<S extends WireService, O extends OperationName<S>> = (input: InputOf<S, O>, ctx: RequestContext) => Reply<S, O>;

/** A service's handlers keyed by operation name (as in the model): the handler for `O` gets `O`'s input type. */
export type Handlers<S extends WireService> = { readonly [O in OperationName<S>]?: Handler<S, O> };

/**
 * The dispatcher's view of a handler, its input type erased: the front door calls it with input it decoded
 * and validated against the same model the handler's types were generated from. Declared as a method so that
 * its parameter is compared bivariantly: a `Handlers<S>` table is one of these without a cast, and callers
 * that drive handlers in process (the console, the demo stack, tests) keep passing plain objects.
 */
export type OperationHandler = { handle(input: unknown, ctx: RequestContext): Promise<unknown> }['handle'];

/** Operation name to handler, as the API server dispatches. */
export type ServiceHandlers = Readonly<Record<string, OperationHandler | undefined>>;

/** The default of `--account-id`: the account in every ARN. */
export const ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
