import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords of the web UI's admin account, hashed with scrypt (RFC 7914), a memory-hard KDF:
 * N=2^15, r=8, p=1 (32 MiB and roughly 50–100 ms per hash on a server core), a 16-byte random salt and
 * a 32-byte output. Stored as `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`, so the parameters can be
 * raised later without breaking stored hashes.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: 128·N·r bytes plus headroom, or node refuses N=2^15 (its default limit is 32 MiB).
    scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64'), { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
