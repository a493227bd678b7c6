import { z } from 'zod';
import type { DocumentStoreProcessor, DocstoreJob, DocstoreJobResult } from './document-store-processor.js';

/**
 * A document store job as an upsert job row holds it (`upsert_job.input`, with `chatflowId` = the
 * store's id, as Flowise files document store upserts under the store): ids only, read back parsed.
 */
export const docstoreJobSchema = z.object({
  kind: z.literal('docstore'),
  storeId: z.string().min(1),
  loaderIds: z.array(z.string().min(1)),
  insert: z.boolean(),
});

/** The document store job a row's input names, or undefined for a chatflow upsert. */
export function docstoreJobOf(input: unknown): DocstoreJob | undefined {
  const parsed = docstoreJobSchema.safeParse(input);
  return parsed.success ? { storeId: parsed.data.storeId, loaderIds: parsed.data.loaderIds, insert: parsed.data.insert } : undefined;
}

export const docstoreJobInput = (job: DocstoreJob) => ({ kind: 'docstore' as const, ...job });

/**
 * Runs a document store job for the upsertion queue's executor and answers what the row records: the
 * result (processed loaders' totals, the index counts) and, for an insert, an upsert history entry
 * under the store's id (Flowise's "fake chatflowid") naming the embeddings and vector store used.
 */
export async function executeDocstoreJob(processor: DocumentStoreProcessor, job: DocstoreJob, signal: AbortSignal) {
  const result: DocstoreJobResult = await processor.run(job, signal);
  if (!job.insert || !result.indexed) return { result, addedDocs: [] };
  const store = await processor.describe(job.storeId);
  const flowData = [store.embeddingConfig, store.vectorStoreConfig]
    .filter((c): c is NonNullable<typeof c> => c !== null)
    .map((c) => ({ label: c.name, name: c.name, id: `${c.name}_0`, paramValues: [] }));
  return { result, addedDocs: [], history: { result: result.indexed, flowData } };
}
