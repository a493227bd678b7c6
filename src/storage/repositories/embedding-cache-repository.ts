import { bytesToVector, vectorToBytes } from '../../shared/vector-math.js';
import type { Db } from '../database.js';
import { yieldToLoop } from '../../shared/yield-to-loop.js';
import { nowIso } from './json-columns.js';

const BATCH = 500;

/**
 * Embeddings by (embedder, sha256 of the text): a text is embedded once per model, whichever process,
 * run or retried upsert asks again (memoryVectorStore re-reads its documents on every question).
 */
export class EmbeddingCacheRepository {
  constructor(private readonly db: Db) {}

  async get(embedder: string, textHashes: string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (let start = 0; start < textHashes.length; start += BATCH) {
      const rows = await this.db
        .selectFrom('embedding_cache')
        .select(['textHash', 'embedding'])
        .where('embedder', '=', embedder)
        .where('textHash', 'in', textHashes.slice(start, start + BATCH))
        .execute();
      for (const row of rows) found.set(row.textHash, new Float32Array(bytesToVector(row.embedding)));
      // Requests are served between batches (a large upsert reads tens of thousands).
      if (start + BATCH < textHashes.length) await yieldToLoop();
    }
    return found;
  }

  async put(embedder: string, entries: Array<{ hash: string; vector: Float32Array }>): Promise<void> {
    const now = nowIso();
    for (let start = 0; start < entries.length; start += BATCH) {
      const values = entries.slice(start, start + BATCH).map((e) => ({ embedder, textHash: e.hash, embedding: vectorToBytes(e.vector), createdDate: now }));
      if (values.length === 0) continue;
      await this.db
        .insertInto('embedding_cache')
        .values(values)
        .onConflict((oc) => oc.columns(['embedder', 'textHash']).doNothing())
        .execute();
      if (start + BATCH < entries.length) await yieldToLoop();
    }
  }
}
