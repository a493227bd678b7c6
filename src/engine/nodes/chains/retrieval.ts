import type { DocumentInterface } from '@langchain/core/documents';
import { FlowValidationError } from '../../errors.js';
import { traced } from '../../run/node-tracer.js';
import type { RunContext } from '../node-definition.js';


/** What a retriever anchor (BaseRetriever) gives: LangChain's retrievers, ours included. */
export interface RetrieverLike {
  invoke(query: string, options?: { signal?: AbortSignal }): Promise<DocumentInterface[]>;
}

export function asRetriever(value: unknown, nodeId: string, input: string): RetrieverLike {
  const candidate = value as Partial<RetrieverLike> | null;
  if (typeof candidate?.invoke !== 'function') {
    throw new FlowValidationError(`Node ${nodeId}: input "${input}" is not a retriever (connect a vector store's Retriever output)`, nodeId);
  }
  return candidate as RetrieverLike;
}

/** A document as the API returns it in `sourceDocuments` (Flowise's shape). */
export interface SourceDocument {
  pageContent: string;
  metadata: Record<string, unknown>;
}

export const toSourceDocuments = (docs: DocumentInterface[]): SourceDocument[] =>
  docs.map((doc) => ({ pageContent: doc.pageContent, metadata: doc.metadata ?? {} }));

/** Retrieves for a question; an abort of the run stops it. Retrieval errors name the node. */
export async function retrieve(retriever: RetrieverLike, query: string, ctx: RunContext, nodeId: string): Promise<DocumentInterface[]> {
  ctx.signal.throwIfAborted();
  try {
    // The retrieval is the vector store node's time (its retriever is what that node built).
    return await traced(ctx.trace, retriever, () => retriever.invoke(query, { signal: ctx.signal }));
  } catch (error) {
    ctx.signal.throwIfAborted();
    if (error instanceof FlowValidationError) throw error;
    throw new FlowValidationError(`Node ${nodeId}: retrieving documents failed: ${(error as Error).message}`, nodeId);
  }
}

/**
 * Streaming runs send the documents as their own event after the answer's tokens (api-contract §5;
 * the executor then sends `metadata` and `end`).
 */
export function emitSourceDocuments(ctx: RunContext, documents: SourceDocument[]): void {
  if (ctx.streaming) ctx.sink.emit({ event: 'sourceDocuments', data: documents });
}

