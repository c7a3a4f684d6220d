/** `--runtime auto|docker|process`: docker when the engine answers, else host processes. */
import { join } from 'node:path';
import { DockerRuntime } from './runtime/docker-runtime.js';
import { ProcessRuntime } from './runtime/process-runtime.js';
import type { ContainerRuntime } from './runtime/runtime.js';

export type RuntimeChoice = 'auto' | 'docker' | 'process';

export async function selectRuntime(choice: RuntimeChoice, stateDir: string, options: { dockerSocket?: string } = {}): Promise<ContainerRuntime> {
  const processRuntime = () => new ProcessRuntime({ stateDir: join(stateDir, 'processes') });
  if (choice === 'process') return processRuntime();
  const docker = new DockerRuntime(options.dockerSocket ? { socketPath: options.dockerSocket } : {});
  if (choice === 'docker') return docker;
  if (await docker.ping()) return docker;
  return processRuntime();
}
