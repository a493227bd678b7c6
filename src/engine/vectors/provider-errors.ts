import { isAppError } from '../../shared/app-error.js';
import { LlmCallError } from '../errors.js';
import { embedderKeyOf, isEmbeddings, registerEmbedder } from './embedder.js';

function describe(error: unknown): string {
  const e = error as { status?: unknown; message?: unknown; cause?: { code?: unknown } };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  // OpenAI's client already starts its message with the status ("401 Incorrect API key…"): once is enough.
  const status = typeof e.status === 'number' && !message.startsWith(String(e.status)) ? `${e.status} ` : '';
  const cause = e.cause && typeof e.cause.code === 'string' ? ` (${e.cause.code})` : '';
  return `${status}${message}${cause}`;
}

/**
 * An embeddings instance whose provider failures (401, 429, 5xx, refused connections) surface as
 * 502 LLM_ERROR naming the node, as chat models' do, instead of 400 INVALID_FLOW (which says the flow
 * is wrong). Our own errors and aborts pass unchanged. Other values are answered as they are.
 */
export function withProviderErrors<T>(instance: T, label: string): T {
  if (!isEmbeddings(instance)) return instance;
  const wrap =
    (call: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (error) {
        if (isAppError(error) || (error as Error)?.name === 'AbortError') throw error;
        throw new LlmCallError(`${label}: embeddings call failed: ${describe(error)}`, { cause: error });
      }
    };
  const proxy = new Proxy(instance as object, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if ((prop === 'embedDocuments' || prop === 'embedQuery') && typeof value === 'function') {
        return wrap((...args) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return value;
    },
  });
  // The same embedder for collections and the cache as the instance it wraps.
  const key = embedderKeyOf(instance);
  if (key) registerEmbedder(proxy, key);
  return proxy as T;
}
