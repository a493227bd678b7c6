/** Requests counted in one client's current window. */
export interface RateLimitHit {
  /** Requests in the window so far, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

/**
 * Counts requests per key in fixed windows that start at a key's first request (as express-rate-limit,
 * which Flowise uses, does per client). Main mode counts in the process; queue mode in Redis, so every
 * server replica shares the counts.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
  /** The key's current window without counting a request; undefined when it has none (or it ended). */
  peek(key: string): Promise<RateLimitHit | undefined>;
}

/** The in-process store (one server). Expired windows are dropped as the map grows. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private hitsSinceSweep = 0;

  constructor(private readonly sweepEvery = 1000) {}

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = Date.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetMs: window.endsAt - now };
  }

  async peek(key: string): Promise<RateLimitHit | undefined> {
    const now = Date.now();
    const window = this.windows.get(key);
    return window && window.endsAt > now ? { count: window.count, resetMs: window.endsAt - now } : undefined;
  }

  private sweep(now: number): void {
    this.hitsSinceSweep += 1;
    if (this.hitsSinceSweep < this.sweepEvery) return;
    this.hitsSinceSweep = 0;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
