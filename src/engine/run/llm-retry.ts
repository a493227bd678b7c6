import { isAppError } from '../../shared/app-error.js';

/**
 * Retries of failed LLM calls (LLM_MAX_RETRIES), one policy for every provider. The chat model nodes
 * give their LangChain clients no retries of their own: @langchain/core 1.4 retries a 429 only when it
 * carries a retry hint, Mistral's client builds its own retrier, Ollama's has none, so the engine retries
 * here instead, around the whole call.
 *
 * Retried: 429 (rate limits, with or without Retry-After), 408, 5xx, and failures without a status
 * (connection refused or reset, timeouts of the socket). Not retried: the other 4xx (the request itself is
 * wrong: a bad key, an unknown model, a body too large), a 429 that says the account's quota is exhausted
 * (retrying cannot help), our own errors, and aborts.
 *
 * Delay before retry n (0-based): an exponential backoff, 500 ms × 2^n capped at 8 s, with jitter (half to
 * all of it), or the provider's Retry-After when that is longer. A Retry-After beyond 60 s is not waited
 * for: the call fails at once with the provider's error (a run would otherwise hang for minutes).
 */

/** The retries a chat model node gives its LangChain client: none, the engine retries (`withLlmRetries`). */
export const CLIENT_RETRIES = 0;

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8000;
/** The longest Retry-After a call waits for (as LangChain's own threshold). */
export const MAX_RETRY_AFTER_MS = 60_000;
const QUOTA_EXHAUSTED = /insufficient[_ -]?quota|quota (?:has been )?exhausted|exceeded your current quota|billing/i;

interface ProviderError {
  status?: unknown;
  statusCode?: unknown;
  status_code?: unknown;
  code?: unknown;
  message?: unknown;
  name?: unknown;
  headers?: unknown;
  error?: { code?: unknown; type?: unknown };
  response?: { status?: unknown; headers?: unknown };
  rawResponse?: { headers?: unknown };
}

/** The HTTP status a provider SDK's error carries (each names it its own way), if any. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ProviderError;
  for (const value of [e.status, e.statusCode, e.status_code, e.response?.status]) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && /^\d{3}$/.test(value)) return Number(value);
  }
  return undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/** Retry-After (seconds or an HTTP date) of a provider's error, in ms; `retry-after-ms` (OpenAI, Anthropic) first. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ProviderError;
  for (const headers of [e.headers, e.response?.headers, e.rawResponse?.headers]) {
    const ms = Number(header(headers, 'retry-after-ms'));
    if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
    const value = header(headers, 'retry-after')?.trim();
    if (value === undefined || value === '') continue;
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

function isAbort(error: unknown): boolean {
  const e = error as ProviderError;
  return (typeof e?.name === 'string' && e.name === 'AbortError') || (typeof e?.message === 'string' && /^(Cancel|AbortError|Request was aborted)/.test(e.message));
}

function quotaExhausted(error: unknown): boolean {
  const e = error as ProviderError;
  const code = typeof e.code === 'string' ? e.code : typeof e.error?.code === 'string' ? e.error.code : typeof e.error?.type === 'string' ? e.error.type : '';
  return code === 'insufficient_quota' || (typeof e.message === 'string' && QUOTA_EXHAUSTED.test(e.message));
}

/**
 * How long to wait before retry `retry` (0-based) of a call that failed with `error`, or undefined when
 * it must not be retried. `random` (0 to 1) picks the jitter.
 */
export function retryDelay(error: unknown, retry: number, random: number = Math.random()): number | undefined {
  if (isAppError(error) || isAbort(error)) return undefined;
  const status = errorStatus(error);
  if (status !== undefined && status < 500 && status !== 408 && status !== 429) return undefined;
  if (status === 429 && quotaExhausted(error)) return undefined;
  const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry) * (0.5 + random / 2);
  const hint = retryAfterMs(error);
  if (hint === undefined) return Math.round(backoff);
  if (hint > MAX_RETRY_AFTER_MS) return undefined;
  return Math.round(Math.max(backoff, hint));
}

/**
 * The same policy for clients that LangChain retries itself (the embeddings nodes: its AsyncCaller
 * retries `maxRetries` times with its own backoff, 1 s × 2^n with jitter), as their `onFailedAttempt`:
 * throws what must not be retried (so LangChain stops), and first waits out the provider's Retry-After.
 * Unlike `withLlmRetries`, this wait does not see the run's abort (the caller has no signal to give).
 */
export async function onFailedLlmAttempt(error: unknown): Promise<void> {
  if (retryDelay(error, 0) === undefined) throw error;
  const hint = retryAfterMs(error);
  if (hint !== undefined && hint > 0) await new Promise((resolve) => setTimeout(resolve, hint));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * Runs `attempt`, and again after a delay while it fails with a retryable error, up to `maxRetries`
 * more times. `retryable()` is asked before each retry: a streamed call that already showed tokens
 * must not start over (its client would see them twice). Throws the last error.
 */
export async function withLlmRetries<T>(
  attempt: () => Promise<T>,
  options: { maxRetries: number; signal: AbortSignal; retryable?: () => boolean },
): Promise<T> {
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted || retry >= options.maxRetries || options.retryable?.() === false) throw error;
      const delay = retryDelay(error, retry);
      if (delay === undefined) throw error;
      await pause(delay, options.signal);
    }
  }
}
