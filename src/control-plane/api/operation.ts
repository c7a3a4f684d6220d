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

export type OperationHandler = (input: any, ctx: RequestContext) => Promise<unknown>;

/** Operation name (as in the model, e.g. `CreateCluster`) to handler. */
export type ServiceHandlers = Readonly<Record<string, OperationHandler>>;

/** The default of `--account-id`: the account in every ARN. */
export const ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
