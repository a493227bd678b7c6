import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { VectorStore } from '@langchain/core/vectorstores';
import { FlowValidationError } from '../../errors.js';
import { emptyFileNotes } from '../../files/run-extraction.js';
import { yieldToLoop } from '../../../shared/yield-to-loop.js';
import { contentHash, embedTexts, embedderKeyOf, isEmbeddings } from '../../vectors/embedder.js';
import type { ChunkInput, VectorIndex } from '../../vectors/vector-port.js';
import { asNumber } from '../input-values.js';
import { type FlowDocument, collectDocuments } from '../loaders/loader-common.js';
import type { BuildContext, InputSpec, OutputSpec } from '../node-definition.js';

export const DOCUMENT_INPUT: InputSpec = {
  name: 'document',
  kind: 'anchor',
  type: 'Document',
  label: 'Document',
  optional: true,
  list: true,
  description: 'The documents an upsert indexes',
};

export const EMBEDDINGS_INPUT: InputSpec = { name: 'embeddings', kind: 'anchor', type: 'Embeddings', label: 'Embeddings' };

export const TOP_K_INPUT: InputSpec = {
  name: 'topK',
  kind: 'param',
  type: 'number',
  label: 'Top K',
  optional: true,
  placeholder: '4',
  step: 1,
  description: 'How many documents a search returns (default 4)',
};

/** The `retriever` (default) and `vectorStore` outputs of a Flowise vector store node. */
export function vectorStoreOutputs(type: string, label: string, storeClasses: string[]): OutputSpec[] {
  return [
    { label: `${label} Retriever`, name: 'retriever', baseClasses: [type, 'VectorStoreRetriever', 'BaseRetriever'] },
    { label: `${label} Vector Store`, name: 'vectorStore', baseClasses: [type, ...storeClasses, 'VectorStore'] },
  ];
}

export function embeddingsOf(ctx: BuildContext): EmbeddingsInterface {
  const embeddings = ctx.inputs.embeddings;
  if (!isEmbeddings(embeddings)) throw new FlowValidationError(`Node ${ctx.nodeId}: input "embeddings" is not an embeddings model`, ctx.nodeId);
  return embeddings;
}

export function vectorIndexOf(ctx: BuildContext): VectorIndex {
  const index = ctx.run.services.vectors;
  if (!index) throw new FlowValidationError(`Node ${ctx.nodeId}: no vector store is available in this process`, ctx.nodeId);
  return index;
}

/** Top K as Flowise reads it (default 4). */
export function topKOf(ctx: BuildContext): number {
  const k = asNumber(ctx.inputs.topK);
  return k !== undefined && k >= 1 ? Math.trunc(k) : 4;
}

/** The embedder key, or a node-specific one for embeddings we did not build (never shared then). */
export function embedderOf(embeddings: EmbeddingsInterface, ctx: BuildContext): string {
  return embedderKeyOf(embeddings) ?? `unregistered|${ctx.run.chatflowId}|${ctx.nodeId}`;
}

/** Documents with their hashes and unit vectors (embedded through the shared cache). */
export async function embedDocuments(docs: FlowDocument[], embeddings: EmbeddingsInterface, ctx: BuildContext): Promise<ChunkInput[]> {
  if (docs.length === 0) return [];
  const vectors = await embedTexts(
    embeddings,
    docs.map((d) => d.pageContent),
    ctx.run.services.embeddingCache,
    ctx.run.signal,
  );
  const chunks: ChunkInput[] = [];
  for (const [i, doc] of docs.entries()) {
    // PostgreSQL refuses NUL in text (Flowise #2387, #5611): dropped before hashing, so retries match.
    const pageContent = doc.pageContent.replace(/\0/g, '');
    chunks.push({ pageContent, metadata: doc.metadata, contentHash: contentHash(pageContent, doc.metadata), embedding: vectors[i]! });
    // Hashing tens of thousands of chunks is done in slices, the event loop served between them.
    if (i % HASH_SLICE === HASH_SLICE - 1) await yieldToLoop();
  }
  return chunks;
}

const HASH_SLICE = 1000;

/** The connected documents (nested lists flattened, empty ones dropped). */
export const connectedDocuments = (ctx: BuildContext): FlowDocument[] => collectDocuments(ctx.inputs.document);

/** The documents of an upsert: none at all is an error (a replacing store would otherwise be emptied). */
export function documentsToUpsert(ctx: BuildContext): FlowDocument[] {
  const docs = connectedDocuments(ctx);
  if (docs.length === 0) {
    const notes = emptyFileNotes(ctx.run);
    // Files were given but gave no text: say what is wrong with each, not that files are missing.
    const why =
      notes.length > 0
        ? `the files gave no text: ${notes.join('; ')}`
        : 'give the connected loaders their files (in the flow, as overrideConfig, or as uploaded files)';
    throw new FlowValidationError(`Node ${ctx.nodeId}: no documents to upsert; ${why}`, ctx.nodeId);
  }
  return docs;
}

/** A built store as its chosen output: a retriever of `k` documents (default) or the store itself. */
export function storeOutput(store: VectorStore & { k: number }, ctx: BuildContext, k: number): unknown {
  store.k = k;
  if (ctx.outputs.output === 'vectorStore') return store;
  return store.asRetriever(k);
}
