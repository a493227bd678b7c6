import { randomBytes, scryptSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The credential key. Derived with scrypt (N=2^15, r=8, p=1, 32-byte output, fixed salt
 * "aimicromind/credential-key/v1") from SECRET_KEY when it is set, else from the passphrase in
 * `<SECRETKEY_PATH>/encryption.key`, which is generated (32 random bytes, base64) on first start.
 * Server and workers must derive the same key: share SECRET_KEY or the key file.
 */
const KDF_SALT = 'aimicromind/credential-key/v1';
const KDF_OPTIONS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const KEY_FILE_NAME = 'encryption.key';

export function deriveKey(passphrase: string): Buffer {
  return scryptSync(passphrase, KDF_SALT, 32, KDF_OPTIONS);
}

/** Reads the key file, creating it first when missing (exclusive create: concurrent starts agree). */
export function readOrCreateKeyFile(directory: string): string {
  const file = path.join(directory, KEY_FILE_NAME);
  fs.mkdirSync(directory, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const passphrase = fs.readFileSync(file, 'utf8').trim();
  if (passphrase === '') throw new Error(`${file} is empty: delete it to generate a new key, or set SECRET_KEY`);
  return passphrase;
}

export function resolveCredentialKey(secrets: { secretKey?: string; keyDirectory: string }): Buffer {
  return deriveKey(secrets.secretKey ?? readOrCreateKeyFile(secrets.keyDirectory));
}
