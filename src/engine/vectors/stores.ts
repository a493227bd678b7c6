import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import { TopK, dot, unitVector } from '../../shared/vector-math.js';
import { FlowValidationError } from '../errors.js';
import { type MetadataFilter, type VectorIndex, matchesFilter } from './vector-port.js';

/**
 * A LangChain VectorStore over one collection of the shared index (faiss emulation and every other
 * store kept in the application database). Searching embeds the query and asks the index; writing
 * goes through the upsert path (`writeDocuments` in vector-upsert.ts), never through here.
 */
export class CollectionVectorStore extends VectorStore {
  declare FilterType: MetadataFilter;
  /** Flowise sets these on a built store (`vectorStore.k`, and `filter` from the retriever tool). */
  k = 4;
  filter: MetadataFilter | undefined;

  constructor(
    embeddings: EmbeddingsInterface,
    private readonly index: VectorIndex,
    readonly collectionKey: string,
    private readonly nodeId: string,
  ) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return 'aimicromind-collection';
  }

  async addVectors(): Promise<void> {
    throw new FlowValidationError(`Node ${this.nodeId}: documents are added by an upsert (POST /api/v1/vector/upsert/:id)`, this.nodeId);
  }

  async addDocuments(): Promise<void> {
    return this.addVectors();
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: MetadataFilter): Promise<[DocumentInterface, number][]> {
    const found = await this.index.search(this.collectionKey, unitVector(query), k, filter ?? this.filter);
    return found.map((chunk) => [new Document({ pageContent: chunk.pageContent, metadata: chunk.metadata, id: chunk.id }), chunk.score]);
  }
}

/**
 * Flowise's In-Memory Vector Store: exact cosine search over vectors held for one run. Its documents
 * are embedded through the shared embedding cache, so repeated questions do not re-embed them.
 */
export class InMemoryVectorStore extends VectorStore {
  declare FilterType: MetadataFilter;
  k = 4;
  filter: MetadataFilter | undefined;
  private readonly entries: Array<{ vector: Float32Array; doc: DocumentInterface }> = [];

  _vectorstoreType(): string {
    return 'memory';
  }

  /** Vectors must be unit length (as embedTexts returns them). */
  addUnitVectors(vectors: Float32Array[], documents: DocumentInterface[]): void {
    vectors.forEach((vector, i) => this.entries.push({ vector, doc: documents[i]! }));
  }

  async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<void> {
    this.addUnitVectors(vectors.map(unitVector), documents);
  }

  async addDocuments(documents: DocumentInterface[]): Promise<void> {
    await this.addVectors(await this.embeddings.embedDocuments(documents.map((d) => d.pageContent)), documents);
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: MetadataFilter): Promise<[DocumentInterface, number][]> {
    const unit = unitVector(query);
    const best = new TopK<DocumentInterface>(k);
    const active = filter ?? this.filter;
    for (const entry of this.entries) {
      if (entry.vector.length !== unit.length || !matchesFilter(entry.doc.metadata, active)) continue;
      best.offer(dot(unit, entry.vector), entry.doc);
    }
    return best.result().map(({ score, item }) => [item, score]);
  }
}
