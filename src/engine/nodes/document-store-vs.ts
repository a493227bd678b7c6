import { FlowValidationError } from '../errors.js';
import { isEmbeddings } from '../vectors/embedder.js';
import { CollectionVectorStore } from '../vectors/stores.js';
import { SELECTED_STORE_INPUT, documentStoresOf, selectedStoreOf } from './document-store-loader.js';
import { asNumber } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { embedderOf, storeOutput, vectorIndexOf } from './vectorstores/vector-common.js';

/** The collection of the shared vector store that holds a document store's vectors. */
export const docstoreCollection = (storeId: string) => `docstore:${storeId}`;

/**
 * Flowise's `documentStoreVS`: searches a document store's vectors (its `docstore:<id>` collection in
 * the shared store) with the embeddings model the store was indexed with; `topK` comes from the
 * store's vector store settings (default 4). A retriever (default output) or the vector store.
 */
export const documentStoreVS: NodeDefinition = {
  name: 'documentStoreVS',
  label: 'Document Store (Vector)',
  version: 1,
  type: 'DocumentStoreVS',
  description: 'Searches the vectors of a document store: fill the store once, answer from it in many chatflows.',
  icon: 'document-store',
  category: 'Vector Stores',
  baseClasses: ['DocumentStoreVS'],
  inputs: [SELECTED_STORE_INPUT],
  outputs: [
    { label: 'Retriever', name: 'retriever', baseClasses: ['BaseRetriever'] },
    { label: 'Vector Store', name: 'vectorStore', baseClasses: ['VectorStore'] },
  ],
  async build(ctx) {
    const storeId = selectedStoreOf(ctx);
    const { embeddings, vectorStoreConfig } = await documentStoresOf(ctx).vectorSettings(storeId, ctx.run);
    if (!isEmbeddings(embeddings)) throw new FlowValidationError(`Node ${ctx.nodeId}: the store's embeddings are not an embeddings model`, ctx.nodeId);
    const index = vectorIndexOf(ctx);
    const key = docstoreCollection(storeId);
    const held = await index.describe(key);
    if (!held) {
      throw new FlowValidationError(`Node ${ctx.nodeId}: document store ${storeId} has no vectors yet; insert its chunks into the vector store first`, ctx.nodeId);
    }
    if (held.embedder !== embedderOf(embeddings, ctx)) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId}: document store ${storeId} was indexed with other embeddings (${held.embedder}); insert it again`,
        ctx.nodeId,
      );
    }
    const k = asNumber(vectorStoreConfig.topK);
    return storeOutput(new CollectionVectorStore(embeddings, index, key, ctx.nodeId), ctx, k !== undefined && k >= 1 ? Math.trunc(k) : 4);
  },
};
