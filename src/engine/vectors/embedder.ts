import { createHash } from 'node:crypto';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { unitVector } from '../../shared/vector-math.js';
import type { EmbeddingCache } from './vector-port.js';

/**
 * Embedding nodes register what they built under a key naming the provider, base URL, model and
 * dimensions: vectors of different keys never share a collection or a cache entry.
 */
const embedderKeys = new WeakMap<object, string>();

export function registerEmbedder<T extends object>(embeddings: T, key: string): T {
  embedderKeys.set(embeddings, key);
  return embeddings;
}

export function embedderKeyOf(embeddings: unknown): string | undefined {
  return typeof embeddings === 'object' && embeddings !== null ? embedderKeys.get(embeddings) : undefined;
}

export function isEmbeddings(value: unknown): value is EmbeddingsInterface {
  const candidate = value as Partial<EmbeddingsInterface> | null;
  return typeof candidate?.embedDocuments === 'function' && typeof candidate.embedQuery === 'function';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted, so equal metadata hashes equally whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A chunk's identity: sha256 of its text and its metadata (record-manager semantics). */
export function contentHash(pageContent: string, metadata: Record<string, unknown>): string {
  return sha256(`${pageContent}\u0000${canonicalJson(metadata)}`);
}

/** Texts per embedding request: the model's own batch size when it has one (OpenAI's `batchSize`). */
function sliceSize(embeddings: EmbeddingsInterface): number {
  const size = (embeddings as { batchSize?: unknown }).batchSize;
  return typeof size === 'number' && size >= 1 ? Math.min(Math.trunc(size), 2048) : 100;
}

/**
 * Unit vectors for `texts`, embedding only those the cache lacks (every text is embedded at most once
 * per embedder across runs, retries and workers). Without a cache or an embedder key, embeds them all.
 * Errors: whatever the provider raised; an empty vector (Google answers one for a failed batch).
 */
export async function embedTexts(
  embeddings: EmbeddingsInterface,
  texts: string[],
  cache: EmbeddingCache | undefined,
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const embedder = embedderKeyOf(embeddings);
  const hashes = texts.map(sha256);
  const known = cache && embedder ? await cache.get(embedder, [...new Set(hashes)]) : new Map<string, Float32Array>();
  const missing = [...new Set(hashes.filter((hash) => !known.has(hash)))];
  if (missing.length > 0) {
    const firstIndex = new Map<string, number>();
    hashes.forEach((hash, i) => firstIndex.has(hash) || firstIndex.set(hash, i));
    // Embedded and cached one request batch at a time, so an interrupted upsert keeps what it paid for.
    const slice = sliceSize(embeddings);
    for (let start = 0; start < missing.length; start += slice) {
      signal?.throwIfAborted();
      const batch = missing.slice(start, start + slice);
      const raw = await embeddings.embedDocuments(batch.map((hash) => texts[firstIndex.get(hash)!]!));
      const fresh = batch.map((hash, i) => {
        const vector = raw[i];
        if (!Array.isArray(vector) || vector.length === 0) {
          throw new Error(`the embedding model returned no vector for text ${firstIndex.get(hash)! + 1}`);
        }
        return { hash, vector: unitVector(vector) };
      });
      if (cache && embedder) await cache.put(embedder, fresh);
      for (const entry of fresh) known.set(entry.hash, entry.vector);
    }
  }
  return hashes.map((hash) => known.get(hash)!);
}
