import type { GoogleGenerativeAIEmbeddings } from '@langchain/google-genai';

type GoogleEmbeddingsClass = typeof GoogleGenerativeAIEmbeddings;

/** The parts of LangChain's class this override uses (TypeScript-private there, plain fields at run time). */
interface GoogleInternals {
  client: { batchEmbedContents(request: { requests: unknown[] }): Promise<{ embeddings: { values?: number[] }[] }> };
  _convertToContent(text: string): unknown;
}

/**
 * LangChain's `GoogleGenerativeAIEmbeddings` (@langchain/google-genai 2.x) settles every batch request and
 * answers `[]` for the texts of a batch that failed, so a 429 or 500 neither retries nor surfaces: it
 * would store empty vectors. This subclass sends the same `batchEmbedContents` requests (at most
 * `maxBatchSize` texts each, in parallel) but lets a failed one throw, so LangChain's caller retries it
 * (with `onFailedAttempt`) and the run reports the provider's error.
 */
export function strictBatchEmbeddings(Base: GoogleEmbeddingsClass): GoogleEmbeddingsClass {
  return class StrictGoogleGenerativeAIEmbeddings extends Base {
    protected override async _embedDocumentsContent(documents: string[]): Promise<number[][]> {
      const self = this as unknown as GoogleInternals;
      const batches: string[][] = [];
      for (let start = 0; start < documents.length; start += this.maxBatchSize) {
        batches.push(documents.slice(start, start + this.maxBatchSize));
      }
      const answers = await Promise.all(
        batches.map((batch) => self.client.batchEmbedContents({ requests: batch.map((text) => self._convertToContent(text)) })),
      );
      return answers.flatMap((answer) => answer.embeddings.map((embedding) => embedding.values ?? []));
    }
  };
}
