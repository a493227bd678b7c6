import { AppError } from '../../shared/app-error.js';
import { ConcurrencyGate } from '../../shared/concurrency-gate.js';
import type { RateLimitStore } from '../../shared/rate-limit-store.js';

/** The documented bounds (README, Access): failures per address and window, and password hashing. */
export const SIGN_IN_LIMITS = {
  /** Failed sign-ins (wrong password or API key, wrong setup token) one client address may make per window. */
  maxFailures: 10,
  /** The window starts at an address's first failure (fixed, as the chatflow rate limits). */
  windowMs: 5 * 60 * 1000,
  /** scrypt hashes (32 MiB, tens of ms each) running at once: Node's thread pool (4 threads) stays free for other work. */
  hashConcurrency: 2,
  /** Hashes waiting for a slot; one more is refused at once rather than queued behind a flood. */
  hashWaiting: 8,
};

const KEY_PREFIX = 'sign-in-failures:';

/**
 * Throttles password guessing on the web UI's sign-in and first-admin setup. Failures are counted per
 * client address (`request.ip`, so NUMBER_OF_PROXIES applies) in the rate-limit store: in the process in
 * main mode, in Redis in queue mode so every replica shares the count. A throttled address is refused
 * before any password is hashed, and hashing itself runs through a small bounded gate.
 */
export class SignInGuard {
  private readonly hashing: ConcurrencyGate;

  constructor(
    private readonly store: RateLimitStore,
    private readonly limits = SIGN_IN_LIMITS,
  ) {
    this.hashing = new ConcurrencyGate(
      limits.hashConcurrency,
      limits.hashWaiting,
      () => new AppError('RATE_LIMITED', 429, 'Too many sign-ins are being checked right now; try again in a moment', { headers: { 'Retry-After': '1' } }),
    );
  }

  /** Throws 429 `RATE_LIMITED` with `Retry-After` while `address` has used up its failures. */
  async ensureAllowed(address: string): Promise<void> {
    const window = await this.store.peek(KEY_PREFIX + address);
    if (!window || window.count < this.limits.maxFailures) return;
    const retryAfter = String(Math.max(1, Math.ceil(window.resetMs / 1000)));
    const minutes = Math.round(this.limits.windowMs / 60000);
    throw new AppError(
      'RATE_LIMITED',
      429,
      `Too many failed sign-ins from this address (${this.limits.maxFailures} in ${minutes} minutes); try again in ${retryAfter} s`,
      { headers: { 'Retry-After': retryAfter } },
    );
  }

  async recordFailure(address: string): Promise<void> {
    await this.store.hit(KEY_PREFIX + address, this.limits.windowMs);
  }

  /** Runs a password hash or check through the bounded gate (429 when too many are waiting). */
  hash<T>(task: () => Promise<T>): Promise<T> {
    return this.hashing.run(task);
  }
}
