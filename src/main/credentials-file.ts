/**
 * Reads keys for `--auth sigv4` from `<data-dir>/credentials`, in the AWS shared-credentials format:
 *   [any-profile-name]
 *   aws_access_key_id = AKID
 *   aws_secret_access_key = SECRET
 * parsed as the AWS CLI parses its own files (botocore hands them to Python's configparser with its
 * defaults): a comment is a whole line starting with `#` or `;`; there are no inline comments, so
 * `a#b;c` is the value `a#b;c`; `=` or `:` separates a key from its value; keys are case-insensitive;
 * an indented line continues the value above it (joined by a newline); a line that is none of these
 * makes the file unreadable, as it does for the CLI. Pure parser plus a thin reader.
 */
import { readFileSync } from 'node:fs';

export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

export function parseCredentials(text: string, source = 'credentials file'): Map<string, string> {
  const sections: Array<Map<string, string>> = [];
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (trimmed === '') {
      lastKey = undefined;
      return;
    }
    const indented = /^\s/.test(raw);
    if (indented && section && lastKey !== undefined) {
      const before = section.get(lastKey)!;
      section.set(lastKey, before === '' ? trimmed : `${before}\n${trimmed}`);
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      section = new Map();
      sections.push(section);
      lastKey = undefined;
      return;
    }
    const at = trimmed.search(/[=:]/);
    if (section === undefined || at <= 0) {
      throw new CredentialsFileError(
        `${source}, line ${i + 1}: ${section === undefined ? 'a key before any [profile] header' : 'neither [profile], key = value nor a comment'}`,
      );
    }
    lastKey = trimmed.slice(0, at).trim().toLowerCase();
    section.set(lastKey, trimmed.slice(at + 1).trim());
  });
  const out = new Map<string, string>();
  for (const s of sections) {
    const id = s.get('aws_access_key_id');
    const secret = s.get('aws_secret_access_key');
    if (id && secret) out.set(id, secret);
  }
  return out;
}

export function readCredentialsFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  return parseCredentials(text, path);
}
