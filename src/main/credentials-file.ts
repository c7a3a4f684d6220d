/**
 * Reads keys for `--auth sigv4` from `<data-dir>/credentials`, in the AWS shared-credentials format:
 *   [any-profile-name]
 *   aws_access_key_id = AKID
 *   aws_secret_access_key = SECRET
 * Pure parser plus a thin reader.
 */
import { readFileSync } from 'node:fs';

export function parseCredentials(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let id: string | undefined;
  let secret: string | undefined;
  const flush = (): void => {
    if (id && secret) out.set(id, secret);
    id = secret = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    if (line.startsWith('[')) {
      flush();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const k = line.slice(0, eq).trim().toLowerCase();
    const v = line.slice(eq + 1).trim();
    if (k === 'aws_access_key_id') id = v;
    else if (k === 'aws_secret_access_key') secret = v;
  }
  flush();
  return out;
}

export function readCredentialsFile(path: string): Map<string, string> {
  try {
    return parseCredentials(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
}
