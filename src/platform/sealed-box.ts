/**
 * Encryption at rest for values the store must not hold in the clear (SSM SecureString parameters,
 * Secrets Manager secret values, later ACM private keys): AES-256-GCM under one key kept in the data
 * dir, mode 0600. The store, a backup or a copied `berth.db` then show only sealed text; only a
 * process that also holds the key file can open them.
 *
 * A sealed value is `v1:` + base64(iv ‖ tag ‖ ciphertext). GCM authenticates it, so a tampered or
 * foreign value fails to open instead of decrypting to garbage. `aad` binds a value to where it is
 * stored (a parameter's ARN and version), so a sealed value copied onto another record does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface SealedBox {
  seal(plaintext: string, aad: string): string;
  /** Throws SealedBoxError when the value was not sealed by this key for this `aad`. */
  open(sealed: string, aad: string): string;
}

export class SealedBoxError extends Error {
  override readonly name = 'SealedBoxError';
}

const PREFIX = 'v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealedBoxFromKey(key: Buffer): SealedBox {
  if (key.length !== KEY_BYTES) throw new SealedBoxError(`the key must be ${KEY_BYTES} bytes, not ${key.length}`);
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed, aad) {
      if (!sealed.startsWith(PREFIX)) throw new SealedBoxError('not a sealed value');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedBoxError('sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SealedBoxError('sealed value does not open with this key (tampered, or sealed elsewhere)');
      }
    },
  };
}

/**
 * The data dir's key file: read when it exists, else made with fresh random bytes. Created with
 * O_EXCL and mode 0600 in one step, so it is never readable by others, not even for a moment.
 */
export function loadOrCreateSealedBox(path: string): SealedBox {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    key = randomBytes(KEY_BYTES);
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, key);
    } finally {
      closeSync(fd);
    }
  }
  chmodSync(path, 0o600);
  return sealedBoxFromKey(key);
}
