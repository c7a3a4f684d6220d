/**
 * `berth lb`: the composition of a load-balancer node on its own host. Its only way to the control
 * plane is the load-balancer node protocol over HTTP (HttpLbControlPlane, failing over between
 * the servers given); it never opens a store. Every listener binds on the node's advertised address,
 * so several nodes on one machine (127.0.0.21, 127.0.0.22) serve the same listeners side by side.
 */
import { systemClock, type Clock } from '../platform/clock.js';
import { systemRandom, type Random } from '../platform/random.js';
import type { Logger } from '../platform/logger.js';
import type { AccessKey } from '../platform/sigv4.js';
import { HttpLbControlPlane } from '../load-balancer/node/http-lb-control-plane.js';
import { startLoadBalancerNode, type RunningLoadBalancerNode } from '../load-balancer/node/start-load-balancer-node.js';
import { ensurePrivateDir } from './private-files.js';

export interface LbNodeConfig {
  readonly servers: readonly string[];
  readonly advertiseIp: string;
  /** Stable across restarts, so a restarted node's verdicts replace its own (default `lb-<advertiseIp>`). */
  readonly nodeId: string;
  /** Access logs go to `<dataDir>/access-logs/`. */
  readonly dataDir: string;
  readonly accessKey?: AccessKey;
  /** Signs stickiness cookies; every node serving one load balancer must share it. */
  readonly stickinessSecret?: Buffer;
}

export interface RunningLbNode {
  readonly node: RunningLoadBalancerNode;
  stop(): Promise<void>;
}

export async function startLbNode(config: LbNodeConfig, logger: Logger, deps: { clock?: Clock; random?: Random } = {}): Promise<RunningLbNode> {
  const clock = deps.clock ?? systemClock;
  ensurePrivateDir(config.dataDir);
  const controlPlane = new HttpLbControlPlane(
    config.servers,
    { nodeId: config.nodeId, advertiseAddress: config.advertiseIp },
    {
      ...(config.accessKey ? { accessKey: config.accessKey } : {}),
      clock,
    },
  );
  const node = await startLoadBalancerNode({
    controlPlane,
    clock,
    random: deps.random ?? systemRandom,
    logger,
    dataDir: config.dataDir,
    internalBindAddress: config.advertiseIp,
    publicBindAddress: config.advertiseIp,
    sourceAddress: config.advertiseIp,
    ...(config.stickinessSecret ? { stickinessSecret: config.stickinessSecret } : {}),
  }).catch(async (err: unknown) => {
    await controlPlane.close();
    throw err;
  });
  return {
    node,
    async stop() {
      await node.stop();
      await controlPlane.close();
    },
  };
}
