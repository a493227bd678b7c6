import { randomUUID } from 'node:crypto';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { CollectionVectorStore } from '../../engine/vectors/stores.js';
import { docstoreCollection } from '../../engine/nodes/document-store-vs.js';
import { asNumber } from '../../engine/nodes/input-values.js';
import { loadChunks, type LoaderSettings } from '../../runner/docstore/load-chunks.js';
import type { DocstoreJob, DocstoreJobResult, DocumentStoreProcessor } from '../../runner/docstore/document-store-processor.js';
import { AppError } from '../../shared/app-error.js';
import type { DocumentStoreRecord, DocumentStoreRepository, StoreLoader } from '../../storage/repositories/document-store-repository.js';
import type { UploadRepository } from '../../storage/repositories/upload-repository.js';
import type { IncomingFile, UploadService } from '../uploads/upload-service.js';
import { storeLoaderFiles } from './loader-files.js';
import { loaderNotFound, requireStore } from './store-view.js';
import { type UpsertData, planUpsert } from './upsert-settings.js';

/** Runs a document store job: in this process (main mode) or on the upsertion queue (queue mode). */
export interface DocstoreJobRunner {
  run(job: DocstoreJob): Promise<DocstoreJobResult>;
}

/** Flowise's IndexingResult with the document store's `docId`. */
export interface StoreUpsertResult {
  numAdded: number;
  numDeleted: number;
  numUpdated: number;
  numSkipped: number;
  addedDocs: Array<{ pageContent: string; metadata: Record<string, unknown> }>;
  docId: string;
}

/**
 * Document store work that needs the engine: previews and vector queries run here, in the server;
 * processing and indexing are jobs (ids only, settings and files already in the database).
 */
export class DocstoreService {
  constructor(
    private readonly stores: DocumentStoreRepository,
    private readonly uploads: UploadService,
    private readonly uploadRows: UploadRepository,
    private readonly processor: DocumentStoreProcessor,
    private readonly jobs: DocstoreJobRunner,
    private readonly registry: NodeRegistry,
  ) {}

  /** Flowise's `previewChunks`: the first `count` chunks (all for -1 or none given) and the total. */
  async preview(settings: LoaderSettings & { storeId?: string }, count: number | undefined) {
    const owner = settings.storeId ? (await requireStore(this.stores, settings.storeId)).id : randomUUID();
    const signal = new AbortController().signal;
    const docs = await loadChunks(settings, owner, { registry: this.registry, services: this.processor.services, signal }, { preview: true });
    const shown = count === undefined || count === -1 || count >= docs.length ? docs.length : count;
    return { chunks: docs.slice(0, shown), totalChunks: docs.length, previewChunkCount: count === undefined ? undefined : shown };
  }

  /**
   * Flowise's `processLoader`: the loader's settings from the body (its inline files moved into the
   * store's uploads), then the processing job; files the loader no longer names are deleted.
   */
  async process(storeId: string, loaderRecordId: string, body: Partial<StoreLoader>): Promise<void> {
    await requireStore(this.stores, storeId);
    // Refused before the loader is touched (an unknown splitter was silently ignored).
    if (body.loaderId) this.requireNode(body.loaderId, 'Document Loaders', 'loader');
    if (body.splitterId) this.requireNode(body.splitterId, 'Text Splitters', 'splitter');
    const files = body.loaderConfig ? await storeLoaderFiles(this.uploads, storeId, body.loaderConfig) : undefined;
    let dropped: string[] = [];
    const updated = await this.stores.update(storeId, (store) => {
      const current = store.loaders.find((l) => l.id === loaderRecordId);
      if (!current) throw loaderNotFound(storeId, loaderRecordId);
      const next: StoreLoader = {
        ...current,
        ...pick(body, ['loaderId', 'loaderName', 'splitterId', 'splitterName', 'splitterConfig', 'credential']),
        ...(files ? { loaderConfig: files.config } : {}),
        ...(files && files.files.length > 0 ? { files: files.files } : {}),
        status: 'SYNCING',
      };
      if (files && files.files.length > 0) dropped = (current.files ?? []).map((f) => f.name).filter((n) => !files.files.some((f) => f.name === n));
      return { loaders: store.loaders.map((l) => (l.id === loaderRecordId ? next : l)) };
    });
    if (!updated) throw new AppError('DOCUMENT_STORE_NOT_FOUND', 404, `Document store ${storeId} not found`);
    await this.uploadRows.delete({ chatflowId: storeId }, dropped);
    await this.jobs.run({ storeId, loaderIds: [loaderRecordId], insert: false });
  }

  /** Indexes the store's chunks into its vector collection (the store's vector settings must be saved). */
  async insert(storeId: string): Promise<DocstoreJobResult['indexed'] & object> {
    await requireStore(this.stores, storeId);
    const result = await this.jobs.run({ storeId, loaderIds: [], insert: true });
    return result.indexed ?? { numAdded: 0, numDeleted: 0, numUpdated: 0, numSkipped: 0 };
  }

  /** Flowise's `queryVectorStore`: `{timeTaken, docs:[{pageContent, metadata, id, chunkNo}]}`. */
  async query(storeId: string, query: string, inputs: Record<string, unknown> = {}) {
    const store = await requireStore(this.stores, storeId);
    if (!store.vectorStoreConfig) throw new AppError('VALIDATION_FAILED', 400, `Vector store for ${store.name} is not configured`);
    const signal = new AbortController().signal;
    const { embeddings, ctx } = await this.processor.embeddings(store, signal);
    const index = this.processor.services.vectors!;
    const vectors = new CollectionVectorStore(embeddings, index, docstoreCollection(storeId), ctx.nodeId);
    const k = asNumber(inputs.topK) ?? asNumber(store.vectorStoreConfig.config.topK) ?? 4;
    const started = Date.now();
    const results = await vectors.similaritySearch(query, Math.max(1, Math.trunc(k)));
    const timeTaken = Date.now() - started;
    const docs = [];
    for (const result of results) {
      const chunk = await this.stores.findChunkByContent(storeId, result.pageContent);
      docs.push({ pageContent: result.pageContent, metadata: result.metadata, id: chunk?.id ?? randomUUID(), chunkNo: chunk?.chunkNo ?? -1 });
    }
    return { timeTaken, docs };
  }

  /** Removes the store's vectors: all of them, or those of one loader (the others are kept). */
  async deleteVectors(storeId: string, docId?: string) {
    const store = await requireStore(this.stores, storeId);
    if (docId) {
      if (!store.loaders.some((l) => l.id === docId)) throw loaderNotFound(storeId, docId);
      return this.processor.insert(storeId, new AbortController().signal, { exceptLoader: docId });
    }
    const counts = await this.processor.clearVectors(storeId);
    await this.stores.update(storeId, (s) => ({ status: s.loaders.every((l) => l.status === 'SYNC') ? 'SYNC' : 'STALE' }));
    return counts;
  }

  /**
   * Flowise's one-call API (`POST /document-store/upsert/:id`, and each item of a refresh): settings
   * saved, files stored, then one job that processes the loader and indexes the store.
   */
  async upsert(storeId: string, data: UpsertData, files: IncomingFile[], refresh = false): Promise<StoreUpsertResult> {
    let store: DocumentStoreRecord;
    if (data.createNewDocStore) {
      store = await this.stores.create({ name: data.docStore?.name ?? `Document Store ${Date.now()}`, description: data.docStore?.description ?? null });
    } else {
      store = await requireStore(this.stores, storeId);
    }
    const labelOf = (name: string) => this.registry.get(name)?.label;
    // Checked before anything is stored: a refused file or plan changes nothing.
    this.uploads.check(files);
    const check = planUpsert(store, data, files.map((f) => f.name), { newLoaderId: 'check', refresh, labelOf });
    this.requireNode(check.loader.loaderId, 'Document Loaders', 'loader');
    if (check.loader.splitterId) this.requireNode(check.loader.splitterId, 'Text Splitters', 'splitter');
    this.requireNode(check.embeddingConfig.name, 'Embeddings', 'embedding');
    const stored = await this.uploads.storeUploads({ chatflowId: store.id }, files);
    const plan = planUpsert(store, data, stored.map((f) => f.name), { newLoaderId: randomUUID(), refresh, labelOf });
    const uploaded = new Date().toISOString();
    if (stored.length > 0) {
      plan.loader.files = stored.map((f) => ({ id: randomUUID(), name: f.name, mimePrefix: f.mime, size: f.size, status: 'NEW', uploaded }));
    }
    await this.stores.update(store.id, (current) => ({
      loaders: plan.replaces ? current.loaders.map((l) => (l.id === plan.loader.id ? plan.loader : l)) : [...current.loaders, plan.loader],
      embeddingConfig: plan.embeddingConfig,
      vectorStoreConfig: plan.vectorStoreConfig,
      recordManagerConfig: plan.recordManagerConfig,
    }));
    const result = await this.jobs.run({ storeId: store.id, loaderIds: [plan.loader.id], insert: true });
    const counts = result.indexed ?? { numAdded: 0, numDeleted: 0, numUpdated: 0, numSkipped: 0 };
    // addedDocs from the database, not from the job's return value (which may travel through Redis).
    const chunks = await this.stores.chunksOf(store.id, plan.loader.id);
    const addedDocs = chunks.map((c) => ({ pageContent: c.pageContent, metadata: { ...c.metadata, docId: c.docId } }));
    return { ...counts, addedDocs, docId: plan.loader.id };
  }

  private requireNode(name: string | undefined, category: string, what: string): void {
    const definition = name ? this.registry.get(name) : undefined;
    if (!definition || definition.category !== category) {
      throw new AppError('VALIDATION_FAILED', 400, `${what}: "${name ?? ''}" is not a node aimicromind runs in ${category}`);
    }
  }

  /** Flowise's refresh: every loader again (or the given items), each as an upsert of its docId. */
  async refresh(storeId: string, items: UpsertData[] | undefined): Promise<StoreUpsertResult[]> {
    const store = await requireStore(this.stores, storeId);
    const list = items && items.length > 0 ? items : store.loaders.map((l) => ({ docId: l.id }));
    const results: StoreUpsertResult[] = [];
    for (const item of list) results.push(await this.upsert(storeId, item, [], true));
    return results;
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  const result: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) result[key] = value[key];
  return result;
}
