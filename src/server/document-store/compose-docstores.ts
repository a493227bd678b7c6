import { createNodeRegistry } from '../../engine/nodes/node-registry.js';
import { DocumentStoreProcessor } from '../../runner/docstore/document-store-processor.js';
import { createEngineServices } from '../../runner/engine-services.js';
import type { AppDeps } from '../app-deps.js';
import type { UploadService } from '../uploads/upload-service.js';
import { DocstoreService } from './docstore-service.js';

/**
 * The server's document store service: previews and queries run here with engine services of its own;
 * jobs go to `deps.docstoreJobs` (the upsertion queue in queue mode) or run here (main mode).
 */
export function createDocstoreService(deps: AppDeps, uploads: UploadService) {
  const registry = createNodeRegistry();
  const services = createEngineServices(deps.repos, deps.cipher, deps.config.runs.llmMaxRetries);
  const processor = new DocumentStoreProcessor({ stores: deps.repos.documentStores, registry, services });
  const jobs = deps.docstoreJobs ?? { run: (job: Parameters<DocumentStoreProcessor['run']>[0]) => processor.run(job, new AbortController().signal) };
  const service = new DocstoreService(deps.repos.documentStores, uploads, deps.repos.uploads, processor, jobs, registry);
  return { service, registry };
}
