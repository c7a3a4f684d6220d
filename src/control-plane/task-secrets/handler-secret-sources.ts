/** SecretSources over the SSM and Secrets Manager handlers, so a task reads exactly what the API serves. */
import type { RequestContext, ServiceHandlers } from '../api/operation.js';
import type { SecretSources } from './secret-resolver.js';

type Handler = (input: object, ctx: RequestContext) => Promise<unknown>;

export function handlerSecretSources(ssm: ServiceHandlers, secretsManager: ServiceHandlers): SecretSources {
  const getParameters = ssm.GetParameters as Handler;
  const getSecretValue = secretsManager.GetSecretValue as Handler;
  return {
    async getParameters(names, ctx) {
      const r = (await getParameters({ Names: names, WithDecryption: true }, ctx)) as {
        Parameters: { Name: string; Value: string; Selector?: string; ARN: string }[];
        InvalidParameters: string[];
      };
      const values = new Map<string, string>();
      // Answer under the reference as written (a name, an ARN, with or without a selector).
      for (const name of names) {
        if (r.InvalidParameters.includes(name)) continue;
        const p = r.Parameters.find(
          (x) => x.Name === name || x.ARN === name || `${x.Name}${x.Selector ?? ''}` === name || `${x.ARN}${x.Selector ?? ''}` === name,
        );
        if (p) values.set(name, p.Value);
      }
      return { values, invalid: r.InvalidParameters };
    },
    async getSecretValue(input, ctx) {
      const r = (await getSecretValue(input, ctx)) as { SecretString?: string; SecretBinary?: Buffer };
      return r.SecretString ?? (r.SecretBinary ? r.SecretBinary.toString('base64') : '');
    },
  };
}
