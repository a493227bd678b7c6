import { FlowValidationError } from '../../errors.js';
import { CollectionVectorStore, InMemoryVectorStore } from '../../vectors/stores.js';
import { asString } from '../input-values.js';
import type { BuildContext, NodeDefinition, UpsertOutcome } from '../node-definition.js';
import {
  DOCUMENT_INPUT,
  EMBEDDINGS_INPUT,
  TOP_K_INPUT,
  connectedDocuments,
  documentsToUpsert,
  embedDocuments,
  embedderOf,
  embeddingsOf,
  storeOutput,
  topKOf,
  vectorIndexOf,
  vectorStoreOutputs,
} from './vector-common.js';

/**
 * faiss keeps its index in the application database instead of on one machine's disk, so every worker
 * answers from it. A Base Path names one index, as one directory on disk does in Flowise: every chatflow
 * naming it shares it (`faiss:path:<basePath>`; Flowise's "one flow upserts, another queries"). Without
 * one, the index is the node's own (`faiss:<chatflowId>:<nodeId>`), deleted with its chatflow.
 */
export function faissCollectionKey(ctx: BuildContext): string {
  const basePath = asString(ctx.inputs.basePath)?.trim();
  return basePath ? `faiss:path:${basePath}` : `faiss:${ctx.run.chatflowId}:${ctx.nodeId}`;
}

export const faiss: NodeDefinition = {
  name: 'faiss',
  label: 'Faiss',
  version: 1,
  type: 'Faiss',
  description: 'Indexes documents for similarity search. Kept in the application database, so every worker shares it; an upsert replaces the index.',
  icon: 'faiss',
  category: 'Vector Stores',
  baseClasses: ['Faiss', 'VectorStoreRetriever', 'BaseRetriever'],
  inputs: [
    DOCUMENT_INPUT,
    EMBEDDINGS_INPUT,
    {
      name: 'basePath',
      kind: 'param',
      type: 'string',
      label: 'Base Path to load',
      optional: true,
      placeholder: 'my-index',
      description: 'Names the index; flows using the same name share it (empty: this node alone)',
    },
    { ...TOP_K_INPUT, additionalParams: true },
  ],
  outputs: vectorStoreOutputs('Faiss', 'Faiss', ['SaveableVectorStore']),
  async build(ctx) {
    const embeddings = embeddingsOf(ctx);
    const index = vectorIndexOf(ctx);
    const key = faissCollectionKey(ctx);
    const held = await index.describe(key);
    const embedder = embedderOf(embeddings, ctx);
    if (held && held.embedder !== embedder) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId}: its index was built with other embeddings (${held.embedder}); upsert again to rebuild it`,
        ctx.nodeId,
      );
    }
    return storeOutput(new CollectionVectorStore(embeddings, index, key, ctx.nodeId), ctx, topKOf(ctx));
  },
  async upsert(ctx): Promise<UpsertOutcome> {
    const embeddings = embeddingsOf(ctx);
    const docs = documentsToUpsert(ctx);
    const chunks = await embedDocuments(docs, embeddings, ctx);
    const spec = { key: faissCollectionKey(ctx), embedder: embedderOf(embeddings, ctx), dims: chunks[0]?.embedding.length ?? 0 };
    const counts = await vectorIndexOf(ctx).write(spec, chunks, { replace: true });
    return { ...counts, addedDocs: docs };
  },
};

/**
 * Flowise's In-Memory Vector Store, unchanged in behaviour: its loaders run on every prediction and it
 * searches what they return. The embeddings come from the shared cache, so only new text is embedded.
 */
export const memoryVectorStore: NodeDefinition = {
  name: 'memoryVectorStore',
  label: 'In-Memory Vector Store',
  version: 1,
  type: 'Memory',
  description: 'Embeds the connected documents for each question and searches them exactly; embeddings are cached, so only new text costs a call.',
  icon: 'memory-vector-store',
  category: 'Vector Stores',
  baseClasses: ['Memory', 'VectorStoreRetriever', 'BaseRetriever'],
  inputs: [DOCUMENT_INPUT, EMBEDDINGS_INPUT, TOP_K_INPUT],
  outputs: vectorStoreOutputs('Memory', 'Memory', ['MemoryVectorStore']),
  async build(ctx) {
    const embeddings = embeddingsOf(ctx);
    const chunks = await embedDocuments(connectedDocuments(ctx), embeddings, ctx);
    const store = new InMemoryVectorStore(embeddings, {});
    store.addUnitVectors(
      chunks.map((c) => c.embedding),
      chunks.map((c) => ({ pageContent: c.pageContent, metadata: c.metadata })),
    );
    return storeOutput(store, ctx, topKOf(ctx));
  },
  async upsert(ctx): Promise<UpsertOutcome> {
    const docs = documentsToUpsert(ctx);
    // Nothing is kept but the embeddings: the next prediction finds them cached.
    await embedDocuments(docs, embeddingsOf(ctx), ctx);
    return { numAdded: docs.length, numDeleted: 0, numUpdated: 0, numSkipped: 0, addedDocs: docs };
  },
};
