import { randomUUID } from 'node:crypto';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { CollectionVectorStore } from '../../engine/vectors/stores.js';
import { docstoreCollection } from '../../engine/nodes/document-store-vs.js';
import { asNumber } from '../../engine/nodes/input-values.js';
import { loadChunks, type LoaderSettings } from '../../runner/docstore/load-chunks.js';
import type { DocstoreJob, DocstoreJobResult, DocumentStoreProcessor } from '../../runner/docstore/document-store-processor.js';
import { AppError, errorMessage } from '../../shared/app-error.js';
import type { DocumentStoreRecord, DocumentStoreRepository, StoreLoader } from '../../storage/repositories/document-store-repository.js';
import type { UploadRepository } from '../../storage/repositories/upload-repository.js';
import type { IncomingFile, UploadService } from '../uploads/upload-service.js';
import { storeLoaderFiles } from './loader-files.js';
import { checkLoaderTakes, requireNode } from './node-checks.js';
import { loaderNotFound, requireStore } from './store-view.js';
import { type UpsertData, planUpsert } from './upsert-settings.js';

/** Runs a document store job: in this process (main mode) or on the upsertion queue (queue mode). */
export interface DocstoreJobRunner {
  run(job: DocstoreJob): Promise<DocstoreJobResult>;
  /** Files the job and answers at once (its row: poll it with `GET /api/v1/vector/upsert-jobs/:id`). */
  submit(job: DocstoreJob): Promise<{ id: string; status: string }>;
}

/** `POST /loader/save`'s body: what it names replaces the loader's setting, the rest is kept. */
export type LoaderSaveBody = { storeId: string } & Partial<
  Pick<StoreLoader, 'id' | 'loaderId' | 'loaderName' | 'loaderConfig' | 'splitterId' | 'splitterName' | 'splitterConfig' | 'credential'>
>;

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
    if (body.loaderId) requireNode(this.registry, body.loaderId, 'Document Loaders', 'loader');
    if (body.splitterId) requireNode(this.registry, body.splitterId, 'Text Splitters', 'splitter');
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
        error: undefined,
      };
      if (files && files.files.length > 0) dropped = (current.files ?? []).map((f) => f.name).filter((n) => !files.files.some((f) => f.name === n));
      return { loaders: store.loaders.map((l) => (l.id === loaderRecordId ? next : l)) };
    });
    if (!updated) throw new AppError('DOCUMENT_STORE_NOT_FOUND', 404, `Document store ${storeId} not found`);
    await this.uploadRows.delete({ chatflowId: storeId }, dropped);
    try {
      await this.jobs.run({ storeId, loaderIds: [loaderRecordId], insert: false });
    } catch (error) {
      // Not left SYNCING forever: the loader shows it failed, and why (processing it again clears it).
      const message = errorMessage(error);
      await this.stores
        .update(storeId, (store) => ({ loaders: store.loaders.map((l) => (l.id === loaderRecordId ? { ...l, status: 'FAILED', error: message } : l)) }))
        .catch(() => undefined);
      throw error;
    }
  }

  /**
   * Flowise's `saveProcessingLoader` (`POST /loader/save`): the loader's settings, status SYNCING until
   * processed. Checked first: the loader and splitter must be nodes of their kind, inline files pass
   * the upload limits and are moved into the store's uploads (the row keeps names, never contents).
   */
  async saveLoader(body: LoaderSaveBody): Promise<StoreLoader> {
    await requireStore(this.stores, body.storeId);
    if (body.loaderId) requireNode(this.registry, body.loaderId, 'Document Loaders', 'loaderId');
    if (body.splitterId) requireNode(this.registry, body.splitterId, 'Text Splitters', 'splitterId');
    const files = body.loaderConfig ? await storeLoaderFiles(this.uploads, body.storeId, body.loaderConfig) : undefined;
    const id = body.id ?? randomUUID();
    let saved: StoreLoader | undefined;
    let dropped: string[] = [];
    await this.stores.update(body.storeId, (store) => {
      const found = store.loaders.find((l) => l.id === id);
      const fresh = files && files.files.length > 0 ? files.files : undefined;
      if (fresh) dropped = (found?.files ?? []).map((f) => f.name).filter((n) => !fresh.some((f) => f.name === n));
      const credential = body.credential ?? found?.credential;
      saved = {
        ...found,
        id,
        loaderId: body.loaderId ?? found?.loaderId,
        loaderName: body.loaderName ?? found?.loaderName,
        loaderConfig: files?.config ?? found?.loaderConfig ?? {},
        splitterId: body.splitterId ?? found?.splitterId,
        splitterName: body.splitterName ?? found?.splitterName,
        splitterConfig: body.splitterConfig ?? found?.splitterConfig,
        ...(fresh ? { files: fresh } : {}),
        totalChunks: 0,
        totalChars: 0,
        status: 'SYNCING',
        ...(credential ? { credential } : {}),
      };
      return { loaders: found ? store.loaders.map((l) => (l.id === id ? saved! : l)) : [...store.loaders, saved] };
    });
    if (!saved) throw new AppError('DOCUMENT_STORE_NOT_FOUND', 404, `Document store ${body.storeId} not found`);
    await this.uploadRows.delete({ chatflowId: body.storeId }, dropped);
    return saved;
  }

  /** Indexes the store's chunks into its vector collection (the store's vector settings must be saved). */
  async insert(storeId: string): Promise<DocstoreJobResult['indexed'] & object> {
    await requireStore(this.stores, storeId);
    const result = await this.jobs.run({ storeId, loaderIds: [], insert: true });
    return result.indexed ?? { numAdded: 0, numDeleted: 0, numUpdated: 0, numSkipped: 0 };
  }

  /** The same insert as a job answered at once (`?async=true`): its id and status, to poll. */
  async submitInsert(storeId: string): Promise<{ id: string; status: string }> {
    // The insert's own first step (its embeddings built: configured, credential found) as an up-front 400.
    await this.processor.embeddings(await requireStore(this.stores, storeId), new AbortController().signal);
    const job = await this.jobs.submit({ storeId, loaderIds: [], insert: true });
    return { id: job.id, status: job.status };
  }

  /** Flowise's `queryVectorStore`: `{timeTaken, docs:[{pageContent, metadata, id, chunkNo, score}]}` (`score`: ours, the similarity the index ranked by). */
  async query(storeId: string, query: string, inputs: Record<string, unknown> = {}) {
    const store = await requireStore(this.stores, storeId);
    if (!store.vectorStoreConfig) throw new AppError('VALIDATION_FAILED', 400, `Vector store for ${store.name} is not configured`);
    const signal = new AbortController().signal;
    const { embeddings, ctx } = await this.processor.embeddings(store, signal);
    const index = this.processor.services.vectors!;
    const vectors = new CollectionVectorStore(embeddings, index, docstoreCollection(storeId), ctx.nodeId);
    const k = asNumber(inputs.topK) ?? asNumber(store.vectorStoreConfig.config.topK) ?? 4;
    const started = Date.now();
    const results = await vectors.similaritySearchWithScore(query, Math.max(1, Math.trunc(k)));
    const timeTaken = Date.now() - started;
    const docs = [];
    for (const [result, score] of results) {
      const chunk = await this.stores.findChunkByContent(storeId, result.pageContent);
      docs.push({ pageContent: result.pageContent, metadata: result.metadata, id: chunk?.id ?? randomUUID(), chunkNo: chunk?.chunkNo ?? -1, score });
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
    // All or nothing: everything is checked before a store, a loader or a file is written (a new store
    // included), and a failed job puts the store's loaders and files back as they were.
    const draft: DocumentStoreRecord = data.createNewDocStore ? { ...EMPTY_STORE, id: 'new', name: '' } : await requireStore(this.stores, storeId);
    const labelOf = (name: string) => this.registry.get(name)?.label;
    this.uploads.check(files);
    const check = planUpsert(draft, data, files.map((f) => f.name), { newLoaderId: 'check', refresh, labelOf });
    const loader = requireNode(this.registry, check.loader.loaderId, 'Document Loaders', 'loader');
    if (check.loader.splitterId) requireNode(this.registry, check.loader.splitterId, 'Text Splitters', 'splitter');
    requireNode(this.registry, check.embeddingConfig.name, 'Embeddings', 'embedding');
    for (const file of files) checkLoaderTakes(loader, file.name);
    const store = data.createNewDocStore
      ? await this.stores.create({ name: data.docStore?.name ?? `Document Store ${Date.now()}`, description: data.docStore?.description ?? null })
      : draft;
    const known = new Set((await this.uploadRows.list({ chatflowId: store.id })).map((f) => f.name));
    const stored = await this.uploads.storeUploads({ chatflowId: store.id }, files);
    const plan = planUpsert(store, data, stored.map((f) => f.name), { newLoaderId: randomUUID(), refresh, labelOf });
    const uploaded = new Date().toISOString();
    if (stored.length > 0) {
      plan.loader.files = stored.map((f) => ({ id: randomUUID(), name: f.name, mimePrefix: f.mime, size: f.size, status: 'NEW', uploaded }));
    }
    const previous = store.loaders.find((l) => l.id === plan.loader.id);
    await this.stores.update(store.id, (current) => ({
      loaders: plan.replaces ? current.loaders.map((l) => (l.id === plan.loader.id ? plan.loader : l)) : [...current.loaders, plan.loader],
      embeddingConfig: plan.embeddingConfig,
      vectorStoreConfig: plan.vectorStoreConfig,
      recordManagerConfig: plan.recordManagerConfig,
    }));
    let result: DocstoreJobResult;
    try {
      result = await this.jobs.run({ storeId: store.id, loaderIds: [plan.loader.id], insert: true });
    } catch (error) {
      await this.undoUpsert(store, data.createNewDocStore === true, plan.loader.id, previous, stored.map((f) => f.name).filter((n) => !known.has(n)));
      throw error;
    }
    const counts = result.indexed ?? { numAdded: 0, numDeleted: 0, numUpdated: 0, numSkipped: 0 };
    // addedDocs from the database, not from the job's return value (which may travel through Redis).
    const chunks = await this.stores.chunksOf(store.id, plan.loader.id);
    const addedDocs = chunks.map((c) => ({ pageContent: c.pageContent, metadata: { ...c.metadata, docId: c.docId } }));
    return { ...counts, addedDocs, docId: plan.loader.id };
  }

  /** Puts a store back as it was before a failed upsert (a store created for it is deleted). */
  private async undoUpsert(store: DocumentStoreRecord, created: boolean, loaderId: string, previous: StoreLoader | undefined, newFiles: string[]): Promise<void> {
    if (created) {
      await this.processor.clearVectors(store.id).catch(() => undefined);
      await this.stores.delete(store.id);
      await this.uploadRows.deleteOwner(store.id);
      return;
    }
    if (!previous) await this.stores.deleteLoaderChunks(loaderId);
    await this.stores.update(store.id, (current) => ({
      loaders: previous ? current.loaders.map((l) => (l.id === loaderId ? previous : l)) : current.loaders.filter((l) => l.id !== loaderId),
      embeddingConfig: store.embeddingConfig,
      vectorStoreConfig: store.vectorStoreConfig,
      recordManagerConfig: store.recordManagerConfig,
    }));
    await this.uploadRows.delete({ chatflowId: store.id }, newFiles);
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

/** What a store looks like before it exists (createNewDocStore: the plan is checked against it first). */
const EMPTY_STORE: Omit<DocumentStoreRecord, 'id' | 'name'> = {
  description: null,
  loaders: [],
  whereUsed: [],
  status: 'EMPTY',
  vectorStoreConfig: null,
  embeddingConfig: null,
  recordManagerConfig: null,
  createdDate: '',
  updatedDate: '',
};
