import type { MessageContent } from '@langchain/core/messages';
import { contentText } from '../run/call-model.js';

/**
 * LangChain counts tokens with tiktoken ranks it downloads at run time; offline that download retries
 * for minutes and stalls the prediction. Our models count approximately (4 characters a token) instead,
 * which is what LangChain itself falls back to.
 */
export function approximateTokenCount(content: MessageContent): number {
  return Math.ceil(contentText(content).length / 4);
}

// A mixin's base must be typed with `any[]` constructor arguments (a TypeScript rule); kept internal.
type Mixable = new (...args: any[]) => { getNumTokens(content: MessageContent): Promise<number> };

/**
 * A provider's chat model class, loaded on first use (a queue-mode server never pays for LangChain's
 * providers) and subclassed to count tokens offline.
 */
export function lazyOfflineModel<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().then((base) => {
      const Base = base as unknown as Mixable;
      return class OfflineModel extends Base {
        override async getNumTokens(content: MessageContent): Promise<number> {
          return approximateTokenCount(content);
        }
      } as unknown as T;
    });
    return loaded;
  };
}
