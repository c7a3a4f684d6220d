/**
 * The console's forms, one per step of the seed: each takes the AWS operation's own input (the page
 * builds it with the AWS field names) and calls the same handler the AWS API calls. ECS inputs go
 * through the model's decoder first, so a form gets the very validation message the CLI would.
 */
import { AwsError } from '../../domain/aws-error.js';
import { decodeJsonInput } from '../api/json-codec.js';
import { loadModel } from '../api/model.js';
import type { InputOf, OperationName } from '../api/operation.js';
import type { Call } from './console-reads.js';

function object(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AwsError('ValidationError', `The body must be a JSON object holding the ${what} input.`);
  }
  return body as Record<string, unknown>;
}

/**
 * An ELBv2 form's input, taken for the operation's input type: unlike the Query front door, nothing
 * decodes it against the model, so the handler's own checks are all it meets.
 */
function elbInput<O extends OperationName<'elbv2'>>(body: unknown, operation: O): InputOf<'elbv2', O> {
  return object(body, operation) as InputOf<'elbv2', O>;
}

/** Validates an ECS input against the model exactly as the JSON front door does. */
export function validEcsInput<O extends OperationName<'ecs'>>(operation: O, input: unknown): InputOf<'ecs', O> {
  const model = loadModel('ecs');
  const op = model.operations.get(operation);
  if (!op) throw new Error(`ECS model has no operation ${operation}`);
  // Decoded and validated against the model the input types are generated from.
  return decodeJsonInput(model, op, JSON.stringify(input ?? {})) as InputOf<'ecs', O>;
}

export function consoleWrites(call: Call) {
  return {
    /** `{ loadBalancer: CreateLoadBalancer input, listener: CreateListener input without LoadBalancerArn }`. */
    async createLoadBalancer(body: unknown) {
      const b = object(body, 'CreateLoadBalancer');
      const created = await call('elbv2', 'CreateLoadBalancer', elbInput(b.loadBalancer, 'CreateLoadBalancer'));
      const lb = created.LoadBalancers?.[0];
      if (lb?.LoadBalancerArn === undefined) throw new Error('CreateLoadBalancer answered no load balancer');
      const lbArn = lb.LoadBalancerArn;
      if (b.listener === undefined) return { loadBalancer: lb, listener: undefined };
      try {
        const listener = await call('elbv2', 'CreateListener', { ...elbInput(b.listener, 'CreateListener'), LoadBalancerArn: lbArn });
        return { loadBalancer: lb, listener: listener.Listeners?.[0] };
      } catch (err) {
        // The form is one step: a listener the user must fix should not leave a half-made load balancer behind.
        await call('elbv2', 'DeleteLoadBalancer', { LoadBalancerArn: lbArn }).catch(() => undefined);
        throw err;
      }
    },

    async createTargetGroup(body: unknown) {
      const out = await call('elbv2', 'CreateTargetGroup', elbInput(body, 'CreateTargetGroup'));
      return { targetGroup: out.TargetGroups?.[0] };
    },

    async registerTaskDefinition(body: unknown) {
      const out = await call('ecs', 'RegisterTaskDefinition', validEcsInput('RegisterTaskDefinition', object(body, 'RegisterTaskDefinition')));
      return { taskDefinition: out.taskDefinition };
    },

    async createService(body: unknown) {
      const out = await call('ecs', 'CreateService', validEcsInput('CreateService', object(body, 'CreateService')));
      return { service: out.service };
    },

    /** `{ cluster, service, taskDefinition?, desiredCount?, forceNewDeployment? }`: what "Update service" offers. */
    async updateService(body: unknown) {
      const out = await call('ecs', 'UpdateService', validEcsInput('UpdateService', object(body, 'UpdateService')));
      return { service: out.service };
    },
  };
}
