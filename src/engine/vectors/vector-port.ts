/**
 * What the engine needs from the shared vector store (EngineServices.vectors): collections of chunks
 * in the application database, so every process that reaches the database answers from the same index.
 * Vectors cross this port scaled to unit length (cosine similarity = dot product).
 */

/** A metadata filter: top-level keys compared for equality with scalars (keys are validated, never interpolated). */
export type MetadataFilter = Record<string, string | number | boolean>;

export interface CollectionSpec {
  /** Stable key, e.g. `faiss:<chatflowId>:<basePath or nodeId>`. */
  key: string;
  /** Which embedding model made the vectors (provider, base URL, model, dimensions). */
  embedder: string;
  dims: number;
}

export interface ChunkInput {
  pageContent: string;
  metadata: Record<string, unknown>;
  /** sha256 of content and metadata (`contentHash`): the chunk's identity within its collection. */
  contentHash: string;
  /** Unit-length float32 vector of `dims` values. */
  embedding: Float32Array;
}

export interface ScoredChunk {
  id: string;
  pageContent: string;
  metadata: Record<string, unknown>;
  /** Cosine similarity, 1 = same direction. */
  score: number;
}

/** Flowise's IndexingResult counts (record-manager semantics). */
export interface IndexCounts {
  numAdded: number;
  numDeleted: number;
  numUpdated: number;
  numSkipped: number;
}

export interface VectorIndex {
  /**
   * Writes chunks into a collection (created on first write), skipping those whose hash it holds
   * already, so a retried or repeated upsert never duplicates. With `replace`, chunks not in `chunks`
   * are removed in the same transaction (faiss: an upsert replaces the index). A collection indexed
   * with another embedder is emptied first.
   */
  write(collection: CollectionSpec, chunks: ChunkInput[], options: { replace: boolean }): Promise<IndexCounts>;
  /** The `k` chunks most similar to `query` (unit vector), best first; none when the collection is unknown. */
  search(collectionKey: string, query: Float32Array, k: number, filter?: MetadataFilter): Promise<ScoredChunk[]>;
  /** The collection's embedder and dimensions, when it exists. */
  describe(collectionKey: string): Promise<CollectionSpec | undefined>;
}

/** Embeddings kept by (embedder, sha256 of the text), so the same text is embedded once. */
export interface EmbeddingCache {
  get(embedder: string, textHashes: string[]): Promise<Map<string, Float32Array>>;
  put(embedder: string, entries: Array<{ hash: string; vector: Float32Array }>): Promise<void>;
}

/** Longest metadata key a filter may name (any characters: keys are bound as parameters, never spliced). */
const MAX_FILTER_KEY = 200;

/**
 * Checks a filter from inputs or requests: an object of scalar values under keys of 1 to 200
 * characters (any: stores bind keys as parameters, so quotes or operators never reach SQL; `__proto__`
 * is kept as a key). Throws an Error naming the bad key or value.
 */
export function parseMetadataFilter(value: unknown): MetadataFilter | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let object: unknown = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value) as unknown;
    } catch {
      throw new Error('metadata filter is not valid JSON');
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new Error('metadata filter must be a JSON object');
  const filter: MetadataFilter = {};
  for (const [key, item] of Object.entries(object as Record<string, unknown>)) {
    if (key === '' || key.length > MAX_FILTER_KEY || key.includes('\0')) throw new Error(`metadata filter key "${key.slice(0, 40)}" must be 1 to ${MAX_FILTER_KEY} characters without NUL`);
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw new Error(`metadata filter value of "${key}" must be a string, number or boolean`);
    }
    // Own property even for "__proto__" (an assignment would set the prototype and drop the condition).
    Object.defineProperty(filter, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** True when `metadata` satisfies `filter` (the in-memory twin of the SQL filters). */
export function matchesFilter(metadata: Record<string, unknown>, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => Object.hasOwn(metadata, key) && metadata[key] === value);
}
