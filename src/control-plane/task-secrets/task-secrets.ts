/**
 * The values of one assigned task's secrets, as `POST tasks/secrets` answers them: each container's
 * secret environment, its registry auth and its log driver's secretOptions. The first reference that
 * cannot be pulled decides the answer: ECS's stoppedReason, and the task stops before any container starts.
 */
import type { AssignedContainer, ContainerSecrets, TaskSecretsResponse } from '../../protocols/agent/index.js';
import type { RequestContext } from '../api/operation.js';
import { resolveRegistryAuth, resolveSecrets, type SecretSources } from './secret-resolver.js';

export async function resolveTaskSecrets(sources: SecretSources, containers: readonly AssignedContainer[], ctx: RequestContext): Promise<TaskSecretsResponse> {
  const out: ContainerSecrets[] = [];
  for (const c of containers) {
    const entry: ContainerSecrets = { name: c.name, environment: {} };
    if (c.credentialsParameter !== undefined) {
      const auth = await resolveRegistryAuth(sources, c.credentialsParameter, ctx);
      if (!auth.ok) return { ok: false, stoppedReason: auth.reason };
      entry.registryAuth = { username: auth.username, password: auth.password };
    }
    if (c.secrets && c.secrets.length > 0) {
      const env = await resolveSecrets(sources, c.secrets, ctx);
      if (!env.ok) return { ok: false, stoppedReason: env.reason };
      entry.environment = env.values;
    }
    if (c.logConfiguration && c.logConfiguration.secretOptions.length > 0) {
      const opts = await resolveSecrets(sources, c.logConfiguration.secretOptions, ctx);
      if (!opts.ok) return { ok: false, stoppedReason: opts.reason };
      entry.logOptions = opts.values;
    }
    out.push(entry);
  }
  return { ok: true, containers: out };
}
