/** `--runtime auto|docker|process`: auto picks docker when the engine answers, else host processes. */
import { DockerRuntime } from './docker-runtime.js';
import { ProcessRuntime } from './process-runtime.js';
import type { ContainerRuntime } from './runtime.js';

export type RuntimeChoice = 'auto' | 'docker' | 'process';

export function parseRuntimeChoice(text: string): RuntimeChoice {
  if (text === 'auto' || text === 'docker' || text === 'process') return text;
  throw new RangeError(`--runtime must be auto, docker or process, got "${text}"`);
}

export async function selectRuntime(
  choice: RuntimeChoice,
  options: { stateDir: string; dockerSocket?: string; makeDocker?: () => ContainerRuntime },
): Promise<ContainerRuntime> {
  const docker = () => options.makeDocker?.() ?? new DockerRuntime({ socketPath: options.dockerSocket });
  if (choice === 'docker') return docker();
  if (choice === 'process') return new ProcessRuntime({ stateDir: options.stateDir });
  const d: ContainerRuntime = docker();
  if (await d.ping()) return d;
  await d.close?.();
  return new ProcessRuntime({ stateDir: options.stateDir });
}
