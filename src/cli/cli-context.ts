/**
 * Where the verbs find Berth and how they talk to it: the real AWS SDK v3 clients pointed at one
 * endpoint, plus plain HTTP for Berth's own routes (logs). Never the store.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ParsedArgs } from './args.js';
import { str } from './args.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4566';

export interface Endpoint {
  readonly url: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** --endpoint, then BERTH_ENDPOINT, then AWS_ENDPOINT_URL, then the `berth up` default. */
export function resolveEndpoint(flags: ParsedArgs['flags'], env: NodeJS.ProcessEnv): Endpoint {
  const url = str(flags.endpoint) ?? env.BERTH_ENDPOINT ?? env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
  const region = str(flags.region) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // `berth up` accepts any key without --auth; under sigv4 the user's AWS_* keys are what it checks.
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'berth',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'berth',
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
  return { url: url.replace(/\/+$/, ''), region, credentials };
}

export interface Clients {
  readonly endpoint: Endpoint;
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  /** Resolved when the verb ends, so the process exits without waiting for idle sockets. */
  destroy(): void;
}

export function createClients(endpoint: Endpoint): Clients {
  // A CLI's stderr is for its own one-line errors, not the SDK's Node-version notice.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 2 };
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  return {
    endpoint,
    ecs,
    elbv2,
    destroy() {
      ecs.destroy();
      elbv2.destroy();
    },
  };
}

/** What every verb gets: parsed args, clients, and where to write. */
export interface CommandContext {
  readonly args: ParsedArgs;
  readonly clients: Clients;
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
  /** Stops long-running verbs (follow, deploy) on SIGINT. */
  readonly signal: AbortSignal;
}
