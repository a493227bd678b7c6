import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialCipher } from '../../src/security/credential-cipher.js';
import { KEY_FILE_NAME, deriveKey, resolveCredentialKey } from '../../src/security/secret-key.js';
import { generateApiKey, hashApiKey, secretsEqual } from '../../src/security/api-key-hash.js';

describe('credential encryption', () => {
  const cipher = new CredentialCipher(deriveKey('one key'));

  it('round-trips and never stores the plaintext', () => {
    const encrypted = cipher.encrypt({ openAIApiKey: 'sk-secret' });
    expect(encrypted).not.toContain('sk-secret');
    expect(encrypted).not.toBe(cipher.encrypt({ openAIApiKey: 'sk-secret' })); // fresh IV each time
    expect(cipher.decrypt(encrypted, 'c1')).toEqual({ openAIApiKey: 'sk-secret' });
  });

  it('says so clearly when the key differs, instead of returning garbage', () => {
    const encrypted = cipher.encrypt({ openAIApiKey: 'sk-secret' });
    const other = new CredentialCipher(deriveKey('another key'));
    expect(() => other.decrypt(encrypted, 'c1')).toThrow(/Credential c1 could not be decrypted: the secret key differs/);
    try {
      other.decrypt(encrypted, 'c1');
    } catch (error) {
      expect((error as { code: string }).code).toBe('CREDENTIAL_DECRYPT_FAILED');
    }
    const tampered = encrypted.slice(0, -4) + (encrypted.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => cipher.decrypt(tampered, 'c1')).toThrow(/could not be decrypted/);
    expect(() => cipher.decrypt('plain', 'c1')).toThrow(/unknown storage format/);
  });

  it('generates the key file once, reuses it, and lets SECRET_KEY win', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-key-'));
    const first = resolveCredentialKey({ keyDirectory: dir });
    const second = resolveCredentialKey({ keyDirectory: dir });
    expect(first.equals(second)).toBe(true);
    expect(fs.statSync(path.join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(resolveCredentialKey({ keyDirectory: dir, secretKey: 'explicit' }).equals(deriveKey('explicit'))).toBe(true);
  });
});

describe('api keys', () => {
  it('are long random secrets stored as a hash and compared in constant time', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key);
    expect(secretsEqual(key, key)).toBe(true);
    expect(secretsEqual(key, `${key}x`)).toBe(false);
  });
});
