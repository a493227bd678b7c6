import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { FlowValidationError } from '../../engine/errors.js';
import { AppError } from '../../shared/app-error.js';
import { docstoreCollection } from '../../engine/nodes/document-store-vs.js';
import type { BuildContext, EngineServices } from '../../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { embedDocuments, embedderOf } from '../../engine/nodes/vectorstores/vector-common.js';
import { buildStandaloneNode, requireDefinition, standaloneContext } from '../../engine/run/standalone-node.js';
import { isEmbeddings } from '../../engine/vectors/embedder.js';
import type { IndexCounts, VectorIndex } from '../../engine/vectors/vector-port.js';
import type { DocumentStoreRecord, DocumentStoreRepository } from '../../storage/repositories/document-store-repository.js';
import { loadChunks } from './load-chunks.js';

export { docstoreCollection };

/** How often a running insert checks that its store still exists (ms). */
const STORE_WATCH_MS = 500;

/**
 * The store was deleted while its insert ran: whatever the insert wrote has been removed, and its job
 * ends `cancelled` (the delete was deliberate, not a failure).
 */
export class StoreDeletedError extends AppError {
  constructor(storeId: string) {
    super('RUN_ABORTED', 409, `Document store ${storeId} was deleted; its job stopped and any vectors it wrote were removed`);
    this.name = 'StoreDeletedError';
  }
}

/** `work`'s result, or the signal's reason once it aborts (whichever comes first). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A store's status after a failed insert: as its loaders say (SYNC when all are in sync), EMPTY for a
 * store without loaders (a failed insert does not make it look synced).
 */
function insertFailedStatus(store: DocumentStoreRecord): DocumentStoreRecord['status'] {
  if (store.loaders.length === 0) return 'EMPTY';
  return store.loaders.every((l) => l.status === 'SYNC') ? 'SYNC' : 'STALE';
}

/**
 * What a document store job does: (re)load and split some of its loaders into chunks, and/or write the
 * store's chunks into its vector collection. Jobs carry ids only; everything else is in the database.
 */
export interface DocstoreJob {
  storeId: string;
  /** Loaders (`StoreLoader.id`) to process, in order. */
  loaderIds: string[];
  /** Then embed the store's chunks into `docstore:<storeId>`. */
  insert: boolean;
}

export interface DocstoreJobResult {
  /** Chunks made per processed loader. */
  processed: Array<{ loaderId: string; totalChunks: number; totalChars: number }>;
  /** The vector write's counts (Flowise's IndexingResult without addedDocs). */
  indexed?: IndexCounts;
}

export interface DocstoreDeps {
  stores: DocumentStoreRepository;
  registry: NodeRegistry;
  services: EngineServices;
}

/**
 * Processes and indexes document stores with the engine's own loader, splitter and embeddings nodes.
 * Runs where the job runs: in the server (main mode) or on a worker (queue mode); both read the store's
 * settings and files from the database.
 */
export class DocumentStoreProcessor {
  constructor(private readonly deps: DocstoreDeps) {}

  /** The engine services jobs run with (previews and queries use them too). */
  get services(): EngineServices {
    return this.deps.services;
  }

  async run(job: DocstoreJob, signal: AbortSignal): Promise<DocstoreJobResult> {
    const result: DocstoreJobResult = { processed: [] };
    for (const loaderId of job.loaderIds) result.processed.push(await this.processLoader(job.storeId, loaderId, signal));
    if (job.insert) result.indexed = await this.insert(job.storeId, signal);
    return result;
  }

  /** The store's settings (for the upsert history). */
  describe(storeId: string): Promise<DocumentStoreRecord> {
    return this.requireStore(storeId);
  }

  private async requireStore(storeId: string): Promise<DocumentStoreRecord> {
    const store = await this.deps.stores.get(storeId);
    // Jobs are filed for stores that exist: one gone by now was deleted on purpose.
    if (!store) throw new StoreDeletedError(storeId);
    return store;
  }

  /**
   * Flowise's `processLoader`: runs the loader (with its splitter), replaces its chunks, records its
   * totals and marks it SYNC; the store is SYNC when all its loaders are, else STALE.
   */
  async processLoader(storeId: string, loaderId: string, signal: AbortSignal) {
    const store = await this.requireStore(storeId);
    const loader = store.loaders.find((l) => l.id === loaderId);
    if (!loader) throw new FlowValidationError(`Document loader ${loaderId} not found in document store ${storeId}`);
    const chunks = await loadChunks(loader, storeId, { ...this.deps, signal });
    await this.deps.stores.replaceChunks(storeId, loaderId, chunks);
    const totals = { loaderId, totalChunks: chunks.length, totalChars: chunks.reduce((sum, c) => sum + c.pageContent.length, 0) };
    await this.deps.stores.update(storeId, (current) => {
      const loaders = current.loaders.map((l) => (l.id === loaderId ? { ...l, totalChunks: totals.totalChunks, totalChars: totals.totalChars, status: 'SYNC' } : l));
      return { loaders, status: loaders.every((l) => l.status === 'SYNC') ? 'SYNC' : 'STALE' };
    });
    return totals;
  }

  /** The store's embeddings model, built from its embedding config with that node's definition. */
  async embeddings(store: DocumentStoreRecord, signal: AbortSignal): Promise<{ embeddings: EmbeddingsInterface; ctx: BuildContext }> {
    if (!store.embeddingConfig) throw new FlowValidationError(`Document store ${store.name} has no embeddings configured (vectorstore/save)`);
    const definition = requireDefinition(this.deps.registry, store.embeddingConfig.name, 'Embeddings');
    const run = standaloneContext(store.id, this.deps.services, signal);
    const embeddings = await buildStandaloneNode({ definition, inputs: { ...store.embeddingConfig.config } }, run);
    if (!isEmbeddings(embeddings)) throw new FlowValidationError(`"${definition.name}" did not build an embeddings model`);
    const ctx: BuildContext = { nodeId: 'documentStoreVS_0', label: 'Document Store (Vector)', inputs: {}, credential: {}, outputs: {}, run };
    return { embeddings, ctx };
  }

  private index(): VectorIndex {
    const index = this.deps.services.vectors;
    if (!index) throw new FlowValidationError('No vector store is available in this process');
    return index;
  }

  /**
   * Writes the store's chunks (each with its loader id as `docId`, as Flowise adds it) into the store's
   * collection, so it holds exactly those chunks: new ones are embedded (through the shared cache), held
   * ones skipped, removed ones deleted. Idempotent, so a retried job never duplicates.
   */
  async insert(storeId: string, signal: AbortSignal, options: { exceptLoader?: string } = {}): Promise<IndexCounts> {
    const store = await this.requireStore(storeId);
    await this.deps.stores.update(storeId, () => ({ status: 'UPSERTING' }));
    // A store deleted meanwhile (by any process: the watch reads the database) stops the insert.
    const watch = this.watchStore(storeId, signal);
    try {
      const { embeddings, ctx } = await this.embeddings(store, watch.signal);
      const chunks = (await this.deps.stores.chunksOf(storeId)).filter((c) => c.docId !== options.exceptLoader);
      const docs = chunks.map((c) => ({ pageContent: c.pageContent, metadata: { ...c.metadata, docId: c.docId } }));
      // LangChain's embeddings take no signal: the insert stops waiting for them (their request ends on its own).
      const inputs = await untilAborted(embedDocuments(docs, embeddings, ctx), watch.signal);
      const index = this.index();
      const key = docstoreCollection(storeId);
      const dims = inputs[0]?.embedding.length ?? (await index.describe(key))?.dims ?? 0;
      if (watch.signal.aborted) throw watch.signal.reason;
      const counts = await index.write({ key, embedder: embedderOf(embeddings, ctx), dims }, inputs, { replace: true });
      // Checked after the write: a delete that came before it finds nothing to clear, so it is cleared here.
      if (!(await this.deps.stores.get(storeId))) throw new StoreDeletedError(storeId);
      await this.deps.stores.update(storeId, () => ({ status: 'UPSERTED' }));
      return counts;
    } catch (error) {
      if (error instanceof StoreDeletedError || !(await this.deps.stores.get(storeId))) {
        await this.clearVectors(storeId);
        throw error instanceof StoreDeletedError ? error : new StoreDeletedError(storeId);
      }
      await this.deps.stores.update(storeId, (current) => ({ status: insertFailedStatus(current) }));
      throw error;
    } finally {
      watch.stop();
    }
  }

  /** A signal that aborts with StoreDeletedError once the store is gone (checked every STORE_WATCH_MS), or with `parent`. */
  private watchStore(storeId: string, parent: AbortSignal): { signal: AbortSignal; stop: () => void } {
    const controller = new AbortController();
    const onParent = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onParent, { once: true });
    const timer = setInterval(() => {
      this.deps.stores.get(storeId).then(
        (store) => {
          if (!store) controller.abort(new StoreDeletedError(storeId));
        },
        () => undefined, // the database busy: the next check, or the write's own check, follows
      );
    }, STORE_WATCH_MS);
    timer.unref();
    return { signal: controller.signal, stop: () => (clearInterval(timer), parent.removeEventListener('abort', onParent)) };
  }

  /** Empties the store's collection (all of it; the store's chunks stay). */
  clearVectors(storeId: string): Promise<IndexCounts> {
    return clearStoreVectors(this.index(), storeId);
  }
}

/** Deletes every vector of a store's collection (a deleted store, or a "delete vectors" request). */
export async function clearStoreVectors(index: VectorIndex, storeId: string): Promise<IndexCounts> {
  const held = await index.describe(docstoreCollection(storeId));
  if (!held) return { numAdded: 0, numDeleted: 0, numUpdated: 0, numSkipped: 0 };
  return index.write(held, [], { replace: true });
}
