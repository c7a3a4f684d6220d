/**
 * The remote log source against a real agent log route (HTTP, SigV4-signed), run through the same
 * conformance suite as the in-process source: the stream and time of each line come from the agent.
 */
import { systemClock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { keys } from '../../src/domain/keys.js';
import { startAgentLogServer } from '../../src/agent/agent-log-server.js';
import { AGENT_KEY_ATTRIBUTE, LOGS_ENDPOINT_ATTRIBUTE } from '../../src/protocols/agent/index.js';
import { remoteLogSource } from '../../src/control-plane/agent-api/remote-log-source.js';
import { conformanceTask, logSourceConformance } from '../../src/control-plane/agent-api/log-source.conformance.js';
import type { RunningAgent } from '../../src/agent/agent.js';

logSourceConformance('remote agent over HTTP', async (agent) => {
  const accessKey = { accessKeyId: 'agent-key', secretAccessKey: 'agent-secret' };
  const server = await startAgentLogServer({
    agent: agent as Pick<RunningAgent, 'logs'>,
    host: '127.0.0.1',
    port: 0,
    accessKey,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
  });
  const store = new MemoryStore();
  const taskId = conformanceTask.taskArn.split('/').pop()!;
  await store.put(keys.task(conformanceTask.cluster, taskId), { taskArn: conformanceTask.taskArn, containerInstanceId: 'ci-1' });
  await store.put(keys.containerInstance(conformanceTask.cluster, 'ci-1'), {
    ec2InstanceId: 'i-0000000000000001',
    attributes: [
      { name: LOGS_ENDPOINT_ATTRIBUTE, value: `http://127.0.0.1:${server.port}` },
      { name: AGENT_KEY_ATTRIBUTE, value: accessKey.accessKeyId },
    ],
  });
  const source = remoteLogSource({ store, clock: systemClock, credentials: new Map([[accessKey.accessKeyId, accessKey.secretAccessKey]]) });
  return {
    source,
    cleanup: async () => {
      await server.close();
      await store.close();
    },
  };
});
