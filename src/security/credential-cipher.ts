import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../shared/app-error.js';

/**
 * Credentials at rest: AES-256-GCM, a fresh 12-byte IV per value, stored as
 * `v1:<base64(iv | tag | ciphertext)>`. GCM authenticates, so a wrong key is detected and reported,
 * never turned into empty or garbled data.
 */
const VERSION = 'v1:';

export class CredentialCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('credential key must be 32 bytes');
  }

  /**
   * A 32-byte key for another purpose (e.g. signing session cookies), derived from the credential key
   * with HKDF-SHA256 (RFC 5869) and `info` naming the purpose, so no two uses share a key and every
   * process holding the same secret derives the same one.
   */
  deriveSubkey(info: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), info, 32));
  }

  encrypt(data: Record<string, unknown>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(encrypted: string, credentialId: string): Record<string, unknown> {
    const fail = (why: string) =>
      new AppError(
        'CREDENTIAL_DECRYPT_FAILED',
        500,
        `Credential ${credentialId} could not be decrypted: ${why}`,
      );
    if (!encrypted.startsWith(VERSION)) throw fail('unknown storage format');
    const raw = Buffer.from(encrypted.slice(VERSION.length), 'base64');
    if (raw.length < 28) throw fail('stored value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    let plain: string;
    try {
      plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw fail(
        'the secret key differs from the one it was encrypted with (server and workers must share SECRET_KEY or the same encryption.key)',
      );
    }
    const parsed = JSON.parse(plain) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail('stored value is not an object');
    return parsed as Record<string, unknown>;
  }
}
