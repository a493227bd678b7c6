import type { NodeTracer, TracedNode } from '../run/node-tracer.js';
import { embedderKeyOf, isEmbeddings, registerEmbedder } from './embedder.js';

/**
 * The embeddings a node built, as one traced run sees them: `embedDocuments` and `embedQuery` are timed
 * as that node's spans, whoever calls them (a vector store building, a retriever embedding the
 * question, deep inside LangChain where no run context reaches). The instance itself may be shared
 * (cached across runs), so each run gets its own view; other values are returned as they are.
 */
export function withTracedEmbeddings<T>(instance: T, node: TracedNode, trace: NodeTracer): T {
  if (!isEmbeddings(instance)) return instance;
  const view = new Proxy(instance as object, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if ((prop === 'embedDocuments' || prop === 'embedQuery') && typeof value === 'function') {
        return (...args: unknown[]) => trace.time(node, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return value;
    },
  });
  // The same embedder for collections and the cache as the instance it views.
  const key = embedderKeyOf(instance);
  if (key) registerEmbedder(view, key);
  return view as T;
}
