/**
 * ListSecrets' filters, decided purely: `name`, `description`, `tag-key`, `tag-value` and `all`,
 * each a case-insensitive prefix match, a leading `!` negating a value (Secrets Manager's rules).
 * The keys that make no sense on one account and region (`primary-region`, `owning-service`) are
 * refused rather than ignored.
 */
import { AwsError } from '../aws-error.js';
import type { SecretRecord } from './secret.js';

export interface SecretFilter {
  readonly Key?: string;
  readonly Values?: readonly string[];
}

const KEYS = ['name', 'description', 'tag-key', 'tag-value', 'all'];

export function checkSecretFilter(f: SecretFilter): void {
  if (f.Key === undefined || !KEYS.includes(f.Key)) {
    throw new AwsError('InvalidParameterException', `Filters: Berth filters secrets by ${KEYS.join(', ')}; not by ${String(f.Key)}.`);
  }
  if (!f.Values || f.Values.length === 0) {
    throw new AwsError('InvalidParameterException', `Filters: the filter ${f.Key} needs at least one value.`);
  }
}

export function matchesSecretFilters(secret: SecretRecord, tags: Readonly<Record<string, string>>, filters: readonly SecretFilter[]): boolean {
  return filters.every((f) => {
    const fields = fieldsFor(f.Key as string, secret, tags).map((s) => s.toLowerCase());
    return (f.Values ?? []).some((raw) => {
      const negate = raw.startsWith('!');
      const v = (negate ? raw.slice(1) : raw).toLowerCase();
      const hit = fields.some((field) => field.startsWith(v));
      return negate ? !hit : hit;
    });
  });
}

function fieldsFor(key: string, secret: SecretRecord, tags: Readonly<Record<string, string>>): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description !== undefined ? [secret.description] : [];
    case 'tag-key':
      return Object.keys(tags);
    case 'tag-value':
      return Object.values(tags);
    default:
      return [secret.name, ...(secret.description !== undefined ? [secret.description] : []), ...Object.keys(tags), ...Object.values(tags)];
  }
}
