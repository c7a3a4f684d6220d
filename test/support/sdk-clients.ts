/**
 * The AWS SDK v3 clients integration tests talk to Berth with. Each one checks every successful
 * response's raw body against the vendored model's output shape (test/support/model-check.ts), and
 * every error answer for its protocol's envelope and the modeled exception's members,
 * before the SDK deserializes it, so any test that uses them proves Berth's answers are what the
 * model says, for free: a mismatch fails the call with a `ModelMismatch` error naming each problem.
 */
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client, type ElasticLoadBalancingV2ClientConfig } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { ACMClient, type ACMClientConfig } from '@aws-sdk/client-acm';
import { loadModel, type ServiceName } from '../../src/control-plane/api/model.js';
import { checkErrorBody, checkResponseBody } from './model-check.js';

export const TEST_CREDENTIALS = { accessKeyId: 'berth', secretAccessKey: 'berth' } as const;

/** How many responses were checked in this process (a test can assert the check is on). */
let checked = 0;
export const checkedResponses = (): number => checked;

export class ModelMismatch extends Error {
  override readonly name = 'ModelMismatch';
}

interface RawResponse {
  statusCode: number;
  body: unknown;
}
type Next = (args: unknown) => Promise<{ response: unknown; output?: unknown }>;
interface Stack {
  add(middleware: never, options: { step: 'deserialize'; priority: 'low'; name: string }): void;
}

async function collect(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Adds the check to a client's middleware stack, innermost in the deserialize step (it sees the raw response first). */
export function checkResponsesAgainstModel<C extends { middlewareStack: unknown }>(client: C, service: ServiceName): C {
  const model = loadModel(service);
  const middleware = (next: Next, context: { commandName?: string }) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as RawResponse;
    const opName = (context.commandName ?? '').replace(/Command$/, '');
    const op = model.operations.get(opName);
    if (!op) return result;
    const body = await collect(response.body);
    response.body = new Uint8Array(body);
    checked++;
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const problems = ok ? checkResponseBody(model, op, body.toString('utf8')) : checkErrorBody(model, op, response.statusCode, body.toString('utf8'));
    if (problems.length) throw new ModelMismatch(`Berth's ${service} ${opName} answer does not match the model:\n  ${problems.join('\n  ')}`);
    return result;
  };
  (client.middlewareStack as Stack).add(middleware as never, { step: 'deserialize', priority: 'low', name: 'berthModelCheck' });
  return client;
}

const base = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });

export function ecsClient(endpoint: string, config: Partial<ECSClientConfig> = {}): ECSClient {
  return checkResponsesAgainstModel(new ECSClient({ ...base(endpoint), ...config }), 'ecs');
}
export function elbv2Client(endpoint: string, config: Partial<ElasticLoadBalancingV2ClientConfig> = {}): ElasticLoadBalancingV2Client {
  return checkResponsesAgainstModel(new ElasticLoadBalancingV2Client({ ...base(endpoint), ...config }), 'elbv2');
}
export function ec2Client(endpoint: string, config: Partial<EC2ClientConfig> = {}): EC2Client {
  return checkResponsesAgainstModel(new EC2Client({ ...base(endpoint), ...config }), 'ec2');
}
export function acmClient(endpoint: string, config: Partial<ACMClientConfig> = {}): ACMClient {
  return checkResponsesAgainstModel(new ACMClient({ ...base(endpoint), ...config }), 'acm');
}
