import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/app-error.js';
import type { RateLimitStore } from '../../shared/rate-limit-store.js';
import type { ChatFlow } from '../../storage/repositories/chatflow-repository.js';

/** A chatflow's rate limit, from Flowise's `apiConfig.rateLimit`. */
export interface RateLimitPolicy {
  /** Predictions a client may send per window. */
  limitMax: number;
  windowMs: number;
  /** What a limited client is told (`limitMsg`). */
  message: string;
}

/** express-rate-limit's default message, which Flowise sends when `limitMsg` is empty. */
const DEFAULT_MESSAGE = 'Too many requests, please try again later.';

const positive = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
};

/**
 * Reads `apiConfig` (a JSON string, as Flowise stores it): `{rateLimit: {status, limitMax,
 * limitDuration (seconds), limitMsg}}`, the numbers as numbers or as the strings Flowise's UI saves.
 * Undefined when the limit is off or incomplete.
 */
export function parseRateLimit(apiConfig: string | null | undefined): RateLimitPolicy | undefined {
  if (!apiConfig) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(apiConfig);
  } catch {
    return undefined;
  }
  const rateLimit = (parsed as { rateLimit?: Record<string, unknown> } | null)?.rateLimit;
  if (!rateLimit || (rateLimit.status !== true && rateLimit.status !== 'true')) return undefined;
  const limitMax = positive(rateLimit.limitMax);
  const seconds = positive(rateLimit.limitDuration);
  if (limitMax === undefined || seconds === undefined) return undefined;
  const message = typeof rateLimit.limitMsg === 'string' && rateLimit.limitMsg.trim() !== '' ? rateLimit.limitMsg : DEFAULT_MESSAGE;
  return { limitMax: Math.floor(limitMax), windowMs: Math.round(seconds * 1000), message };
}

/**
 * Per-chatflow rate limits on predictions, per client address (`request.ip`: the connection's peer, or
 * the address NUMBER_OF_PROXIES trusted proxies put in X-Forwarded-For), as Flowise enforces
 * `apiConfig.rateLimit`. Over the limit: 429 `RATE_LIMITED` with the chatflow's message and
 * `Retry-After` (seconds until the client's window ends).
 */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  async check(chatflow: ChatFlow, request: FastifyRequest): Promise<void> {
    const policy = parseRateLimit(chatflow.apiConfig);
    if (!policy) return;
    const hit = await this.store.hit(`${chatflow.id}:${policy.windowMs}:${request.ip}`, policy.windowMs);
    if (hit.count <= policy.limitMax) return;
    const retryAfter = String(Math.max(1, Math.ceil(hit.resetMs / 1000)));
    throw new AppError('RATE_LIMITED', 429, policy.message, { headers: { 'Retry-After': retryAfter } });
  }
}
