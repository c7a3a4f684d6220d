/**
 * The demo stack `npm start` brings up on a fresh data dir: the seed's steps, done through the same
 * handlers the AWS API serves. An internal ALB with a listener on the first free port from 8080, a
 * target group checked every 5 s, a task definition with hostPort 0 and a service of 2 behind it.
 * On Docker the app is busybox httpd in an image built locally (no registry); on the process
 * runtime it is examples/sample-app/server.js.
 */
import { join } from 'node:path';
import Docker from 'dockerode';
import type { ServiceHandlers, RequestContext } from '../control-plane/api/operation.js';
import { packageRoot } from '../control-plane/api/model.js';
import { ensureBusyboxImage } from '../agent/runtime/busybox-image.js';
import type { RuntimeKind } from '../agent/runtime/runtime.js';
import { AwsError } from '../domain/aws-error.js';

export interface DemoStack {
  readonly listenerUrl: string;
  readonly serviceName: string;
}

const NAME = 'demo-web';

async function demoContainer(runtime: RuntimeKind): Promise<Record<string, unknown>> {
  const base = { name: 'web', memory: 64, essential: true, environment: [{ name: 'APP_VERSION', value: 'v1' }] };
  if (runtime === 'docker') {
    const image = await ensureBusyboxImage(new Docker({ socketPath: process.env.BERTH_DOCKER_SOCKET ?? '/var/run/docker.sock' }));
    return { ...base, image, portMappings: [{ containerPort: 80, hostPort: 0 }], stopTimeout: 5 };
  }
  return {
    ...base,
    image: 'berth/sample-app',
    entryPoint: ['node', join(packageRoot(), 'examples', 'sample-app', 'server.js')],
    portMappings: [{ containerPort: 8080, hostPort: 0 }],
    stopTimeout: 5,
  };
}

export async function createDemoStack(
  handlers: { ecs: ServiceHandlers; elbv2: ServiceHandlers; ec2: ServiceHandlers },
  ctx: () => RequestContext,
  options: { runtime: RuntimeKind; cluster: string; firstPort?: number },
): Promise<DemoStack> {
  const { ecs, elbv2, ec2 } = handlers;
  const subnets = ((await ec2.DescribeSubnets!({}, ctx())) as { Subnets: { SubnetId: string }[] }).Subnets.map((s) => s.SubnetId);
  const vpc = ((await ec2.DescribeVpcs!({}, ctx())) as { Vpcs: { VpcId: string }[] }).Vpcs[0]!.VpcId;
  const lb = (
    (await elbv2.CreateLoadBalancer!({ Name: 'demo', Scheme: 'internal', Subnets: subnets }, ctx())) as {
      LoadBalancers: { LoadBalancerArn: string }[];
    }
  ).LoadBalancers[0]!;
  const container = await demoContainer(options.runtime);
  const tg = (
    (await elbv2.CreateTargetGroup!(
      {
        Name: NAME,
        Protocol: 'HTTP',
        Port: container.portMappings ? (container.portMappings as { containerPort: number }[])[0]!.containerPort : 80,
        VpcId: vpc,
        HealthCheckPath: '/',
        HealthCheckIntervalSeconds: 5,
        HealthyThresholdCount: 2,
      },
      ctx(),
    )) as { TargetGroups: { TargetGroupArn: string }[] }
  ).TargetGroups[0]!;
  // A short delay keeps the demo's deployments quick; AWS's default is 300 s.
  await elbv2.ModifyTargetGroupAttributes!(
    { TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }] },
    ctx(),
  );

  let port = options.firstPort ?? 8080;
  for (; ; port++) {
    try {
      await elbv2.CreateListener!(
        {
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: port,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
        },
        ctx(),
      );
      break;
    } catch (err) {
      // A taken port is InvalidConfigurationRequest: try the next one, a few times.
      if (!(err instanceof AwsError) || err.code !== 'InvalidConfigurationRequest' || port >= (options.firstPort ?? 8080) + 20) throw err;
    }
  }

  const td = (await ecs.RegisterTaskDefinition!({ family: NAME, containerDefinitions: [container] }, ctx())) as {
    taskDefinition: { taskDefinitionArn: string };
  };
  const containerPort = (container.portMappings as { containerPort: number }[])[0]!.containerPort;
  await ecs.CreateService!(
    {
      cluster: options.cluster,
      serviceName: NAME,
      taskDefinition: td.taskDefinition.taskDefinitionArn,
      desiredCount: 2,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'web', containerPort }],
    },
    ctx(),
  );
  return { listenerUrl: `http://127.0.0.1:${port}/`, serviceName: NAME };
}

/**
 * The demo stack a previous start created, if it is still there (its load balancer, a listener and the
 * service), so every start prints the demo's URL, not only the first.
 */
export async function findDemoStack(
  handlers: { ecs: ServiceHandlers; elbv2: ServiceHandlers },
  ctx: () => RequestContext,
  options: { cluster: string },
): Promise<DemoStack | undefined> {
  try {
    const lbs = (await handlers.elbv2.DescribeLoadBalancers!({ Names: ['demo'] }, ctx())) as { LoadBalancers?: { LoadBalancerArn: string }[] };
    const lb = lbs.LoadBalancers?.[0];
    if (!lb) return undefined;
    const listeners = (await handlers.elbv2.DescribeListeners!({ LoadBalancerArn: lb.LoadBalancerArn }, ctx())) as { Listeners?: { Port: number }[] };
    const port = listeners.Listeners?.[0]?.Port;
    const services = (await handlers.ecs.DescribeServices!({ cluster: options.cluster, services: [NAME] }, ctx())) as { services?: { status?: string }[] };
    if (port === undefined || services.services?.[0]?.status !== 'ACTIVE') return undefined;
    return { listenerUrl: `http://127.0.0.1:${port}/`, serviceName: NAME };
  } catch (err) {
    // LoadBalancerNotFound: the user deleted the demo; no demo line then.
    if (err instanceof AwsError) return undefined;
    throw err;
  }
}
