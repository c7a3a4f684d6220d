/**
 * What a task definition's `secrets[].valueFrom` (and `repositoryCredentials.credentialsParameter`,
 * and a log driver's `secretOptions`) may name, parsed as ECS parses it (the ECS developer guide's
 * "Pass sensitive data to a container"):
 *  - a Parameter Store parameter: its name (same region) or its ARN;
 *  - a Secrets Manager secret: its ARN, optionally followed by `:json-key:version-stage:version-id`,
 *    each part optional but the colons kept (`arn:...:secret:db-AbCdEf:password::`).
 */
export type SecretReference =
  | { readonly kind: 'ssm'; readonly parameter: string }
  | {
      readonly kind: 'secretsmanager';
      /** The secret's ARN, full or partial (without the random suffix). */
      readonly secretId: string;
      readonly jsonKey?: string;
      readonly versionStage?: string;
      readonly versionId?: string;
    };

export function parseSecretReference(valueFrom: string): SecretReference {
  if (valueFrom.startsWith('arn:') && valueFrom.split(':')[2] === 'secretsmanager') {
    // arn:aws:secretsmanager:region:account:secret:name[:json-key[:version-stage[:version-id]]]
    const parts = valueFrom.split(':');
    const secretId = parts.slice(0, 7).join(':');
    const [jsonKey, versionStage, versionId] = parts.slice(7);
    return {
      kind: 'secretsmanager',
      secretId,
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {}),
    };
  }
  return { kind: 'ssm', parameter: valueFrom };
}

/** Whether `valueFrom` has the shape of either kind (ECS refuses others at RegisterTaskDefinition). */
export function isSecretReference(valueFrom: string): boolean {
  if (valueFrom === '') return false;
  if (!valueFrom.startsWith('arn:')) return true;
  const service = valueFrom.split(':')[2];
  if (service === 'ssm') return /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/.+/.test(valueFrom);
  if (service === 'secretsmanager') return /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+(:[^:]*){0,3}$/.test(valueFrom);
  return false;
}
