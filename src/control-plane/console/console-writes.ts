/**
 * The console's forms, one per step of the seed: each takes the AWS operation's own input (the page
 * builds it with the AWS field names) and calls the same handler the AWS API calls. ECS inputs go
 * through the model's decoder first, so a form gets the very validation message the CLI would.
 */
import { AwsError } from '../../domain/aws-error.js';
import { decodeJsonInput } from '../api/json-codec.js';
import { loadModel } from '../api/model.js';

type Call = (service: 'ecs' | 'elbv2' | 'ec2', operation: string, input: object) => Promise<any>;

function object(body: unknown, what: string): Record<string, any> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AwsError('ValidationError', `The body must be a JSON object holding the ${what} input.`);
  }
  return body as Record<string, any>;
}

/** Validates an ECS input against the model exactly as the JSON front door does. */
export function validEcsInput(operation: string, input: unknown): Record<string, unknown> {
  const model = loadModel('ecs');
  const op = model.operations.get(operation);
  if (!op) throw new Error(`ECS model has no operation ${operation}`);
  return decodeJsonInput(model, op, JSON.stringify(input ?? {}));
}

export function consoleWrites(call: Call) {
  return {
    /** `{ loadBalancer: CreateLoadBalancer input, listener: CreateListener input without LoadBalancerArn }`. */
    async createLoadBalancer(body: unknown) {
      const b = object(body, 'CreateLoadBalancer');
      const created = await call('elbv2', 'CreateLoadBalancer', object(b.loadBalancer, 'CreateLoadBalancer'));
      const lb = created.LoadBalancers[0];
      if (b.listener === undefined) return { loadBalancer: lb, listener: undefined };
      try {
        const listener = await call('elbv2', 'CreateListener', { ...object(b.listener, 'CreateListener'), LoadBalancerArn: lb.LoadBalancerArn });
        return { loadBalancer: lb, listener: listener.Listeners[0] };
      } catch (err) {
        // The form is one step: a listener the user must fix should not leave a half-made load balancer behind.
        await call('elbv2', 'DeleteLoadBalancer', { LoadBalancerArn: lb.LoadBalancerArn }).catch(() => undefined);
        throw err;
      }
    },

    async createTargetGroup(body: unknown) {
      const out = await call('elbv2', 'CreateTargetGroup', object(body, 'CreateTargetGroup'));
      return { targetGroup: out.TargetGroups[0] };
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
