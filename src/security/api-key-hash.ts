import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys are 256-bit random secrets. Only their SHA-256 is stored (a slow hash adds nothing for a
 * random secret of that size); lookups go by hash and the final comparison is constant-time.
 */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function keyPrefix(key: string): string {
  return key.slice(0, 6);
}

/** Constant-time equality of two secrets of any length (compares their hashes). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
