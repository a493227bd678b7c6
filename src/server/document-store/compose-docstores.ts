import { z } from 'zod';
import { createNodeRegistry } from '../../engine/nodes/node-registry.js';
import { docstoreJobInput } from '../../runner/docstore/docstore-job.js';
import { type DocstoreJob, type DocstoreJobResult, DocumentStoreProcessor } from '../../runner/docstore/document-store-processor.js';
import { createEngineServices } from '../../runner/engine-services.js';
import { waitForUpsert } from '../../runner/upsert/upsert-runner.js';
import { AppError, ERROR_STATUS, isErrorCode } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import type { UploadService } from '../uploads/upload-service.js';
import { type DocstoreJobRunner, DocstoreService } from './docstore-service.js';

const counts = z.object({ numAdded: z.number(), numDeleted: z.number(), numUpdated: z.number(), numSkipped: z.number() });
const jobResultSchema = z.object({
  processed: z.array(z.object({ loaderId: z.string(), totalChunks: z.number(), totalChars: z.number() })),
  indexed: counts.optional(),
});

/**
 * Document store jobs go through the vector upsert runner: in main mode they run in this process, in
 * queue mode on the `<QUEUE_NAME>-upsertion` queue, with UPSERT_CONCURRENCY and UPSERT_TIMEOUT like
 * chatflow upserts. The request waits on the job's row; a failed job answers its stored error.
 */
function upsertQueueJobs(deps: AppDeps): DocstoreJobRunner {
  const submit = (job: DocstoreJob) => deps.upserts.submit({ chatflowId: job.storeId, chatId: job.storeId, input: docstoreJobInput(job) });
  return {
    submit,
    async run(job): Promise<DocstoreJobResult> {
      const submitted = await submit(job);
      const done = await waitForUpsert(deps.repos.upserts, submitted.id, deps.config.upserts.timeoutMs);
      if (done.status !== 'completed') {
        const code = isErrorCode(done.errorCode) ? done.errorCode : 'INTERNAL';
        throw new AppError(code, ERROR_STATUS[code], done.error ?? 'The document store job failed');
      }
      return jobResultSchema.parse(done.result);
    },
  };
}

/** The server's document store service: previews and queries run here with engine services of its own. */
export function createDocstoreService(deps: AppDeps, uploads: UploadService) {
  const registry = createNodeRegistry();
  // The process's own services: web loaders need its outbound policy, PDF and DOCX its extraction threads.
  const services = deps.services ?? createEngineServices(deps.repos, deps.cipher, deps.config.runs.llmMaxRetries);
  const processor = new DocumentStoreProcessor({ stores: deps.repos.documentStores, registry, services });
  const service = new DocstoreService(deps.repos.documentStores, uploads, deps.repos.uploads, processor, upsertQueueJobs(deps), registry);
  return { service, registry };
}
