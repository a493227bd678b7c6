import { FlowValidationError } from '../../engine/errors.js';
import type { DocumentStorePort, RunContext } from '../../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { buildStandaloneNode, requireDefinition } from '../../engine/run/standalone-node.js';
import type { DocumentStoreRepository } from '../../storage/repositories/document-store-repository.js';

/** The engine's view of document stores, over the document store tables (every process reads the same). */
export class DatabaseDocumentStores implements DocumentStorePort {
  constructor(
    private readonly stores: DocumentStoreRepository,
    private readonly registry: NodeRegistry,
  ) {}

  private async store(storeId: string) {
    const store = await this.stores.get(storeId);
    if (!store) throw new FlowValidationError(`Document store ${storeId} not found`);
    return store;
  }

  async documents(storeId: string) {
    await this.store(storeId);
    // Flowise's documentStore loader gives each chunk's own metadata (the loader id is not added).
    return (await this.stores.chunksOf(storeId)).map((chunk) => ({ pageContent: chunk.pageContent, metadata: chunk.metadata }));
  }

  async vectorSettings(storeId: string, run: RunContext) {
    const store = await this.store(storeId);
    if (!store.embeddingConfig) throw new FlowValidationError(`Document store ${store.name} (${storeId}) has no embeddings configured`);
    const definition = requireDefinition(this.registry, store.embeddingConfig.name, 'Embeddings');
    const embeddings = await buildStandaloneNode({ definition, inputs: { ...store.embeddingConfig.config } }, run);
    return { embeddings, vectorStoreConfig: store.vectorStoreConfig?.config ?? {} };
  }
}
