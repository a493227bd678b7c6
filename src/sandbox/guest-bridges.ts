import type { OutboundFetch } from '../security/outbound-policy.js';

/** Requests one task may have in flight at once; one more fails (a fan-out of requests is not what tools are for). */
export const MAX_PARALLEL_FETCHES = 8;

/**
 * The host side of the prelude's `__aimFetch(url, initJson)`: a request through the outbound policy,
 * answered as the JSON the prelude's Response is built from. Aborted with the task (`signal`).
 */
export function hostFetch(outbound: OutboundFetch, signal: AbortSignal): (url: string, initJson: string) => Promise<string> {
  let inFlight = 0;
  return async (url, initJson) => {
    if (inFlight >= MAX_PARALLEL_FETCHES) throw new Error(`At most ${MAX_PARALLEL_FETCHES} requests may run at once`);
    const init = JSON.parse(initJson) as { method?: string; headers?: Record<string, string>; body?: string };
    inFlight += 1;
    try {
      const response = await outbound.fetch(url, { ...init, signal });
      return JSON.stringify({
        url: response.url,
        status: response.status,
        statusText: response.statusText,
        redirected: response.url !== url,
        headers: response.headers,
        body: response.text(),
      });
    } finally {
      inFlight -= 1;
    }
  };
}

/** The host side of the prelude's `__aimSleep(ms)`: a timer, at most `maxMs`, cleared when the task ends. */
export function hostSleep(maxMs: number, signal: AbortSignal): (ms: number) => Promise<undefined> {
  return (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), Math.min(ms, maxMs));
      signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
}
