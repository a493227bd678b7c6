import { FILE_STORAGE_PREFIX, storedFileNames } from '../../engine/files/file-store.js';
import { AppError } from '../../shared/app-error.js';
import type { ChatFlowRepository } from '../../storage/repositories/chatflow-repository.js';
import type {
  ChunkRecord,
  DocumentStoreRecord,
  DocumentStoreRepository,
  StoreLoader,
} from '../../storage/repositories/document-store-repository.js';

/** Nodes that name a document store in `inputs.selectedStore`. */
const STORE_NODES = new Set(['documentStore', 'documentStoreVS']);

/** Chunks per page of `GET /chunks/...` (Flowise's PAGE_SIZE). */
export const CHUNK_PAGE_SIZE = 50;

/** Longest store id taken (ids are UUIDs; as `GET /runs` caps the ids it filters by). */
export const MAX_STORE_ID = 500;

/** 404 for a store id that names no store; 400 for one too long to be an id (never echoed whole). */
export function storeNotFound(id: string): AppError {
  if (id.length > MAX_STORE_ID) return new AppError('VALIDATION_FAILED', 400, `storeId: must be at most ${MAX_STORE_ID} characters`);
  return new AppError('DOCUMENT_STORE_NOT_FOUND', 404, `Document store ${id} not found`);
}

export function loaderNotFound(storeId: string, loaderId: string): AppError {
  return new AppError('NOT_FOUND', 404, `Document loader ${loaderId} not found in document store ${storeId}`);
}

/** File names a loader config refers to: `FILE-STORAGE::[…]` names and data URIs' `filename:` parts. */
export function loaderFileNames(config: Record<string, unknown> | undefined): string[] {
  const names: string[] = [];
  for (const value of Object.values(config ?? {})) {
    if (typeof value !== 'string') continue;
    if (value.startsWith(FILE_STORAGE_PREFIX)) {
      names.push(...(storedFileNames(value) ?? []));
      continue;
    }
    for (const match of value.matchAll(/,filename:([^",\]]+)/g)) names.push(match[1]!);
  }
  return names;
}

/**
 * A loader config for the store list: a file still inline (a row written before loader/save stored
 * files, or by `PUT /store`) is shown by its names, so listing stores never downloads file contents.
 */
function withoutInlineFiles(config: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!config) return config;
  const entries = Object.entries(config).map(([key, value]) =>
    typeof value === 'string' && /data:[^,]*;base64,/i.test(value) ? [key, `(inline files: ${loaderFileNames({ [key]: value }).join(', ')})`] : [key, value],
  );
  return Object.fromEntries(entries);
}

/** Flowise's `source` of a loader: its files, or the URL it scrapes, or "None". */
export function loaderSource(loader: StoreLoader): string {
  const names = loaderFileNames(loader.loaderConfig);
  if (names.length > 0) return names.join(', ');
  const url = loader.loaderConfig?.url;
  return typeof url === 'string' && url !== '' ? url : 'None';
}

/**
 * Flowise's DocumentStoreDTO: JSON columns parsed, loaders with their `source`, totals of chunks and
 * characters, and the status STALE while a loader is not in sync.
 */
export function storeView(store: DocumentStoreRecord, whereUsed?: unknown[], options: { listing?: boolean } = {}) {
  let totalChunks = 0;
  let totalChars = 0;
  let status: string = store.status;
  const loaders = store.loaders.map((loader) => {
    totalChunks += loader.totalChunks ?? 0;
    totalChars += loader.totalChars ?? 0;
    if (loader.status !== 'SYNC') status = 'STALE';
    const view = { ...loader, source: loaderSource(loader) };
    return options.listing ? { ...view, loaderConfig: withoutInlineFiles(loader.loaderConfig) } : view;
  });
  return {
    id: store.id,
    name: store.name,
    description: store.description,
    loaders,
    whereUsed: whereUsed ?? store.whereUsed,
    status,
    vectorStoreConfig: store.vectorStoreConfig,
    embeddingConfig: store.embeddingConfig,
    recordManagerConfig: store.recordManagerConfig,
    totalChunks,
    totalChars,
    createdDate: store.createdDate,
    updatedDate: store.updatedDate,
  };
}

/**
 * Which chatflows use which store: their documentStore/documentStoreVS nodes' `selectedStore`, read
 * from the flows themselves (so the answer is right however a chatflow changed).
 */
export async function storeUsage(chatflows: ChatFlowRepository): Promise<Map<string, Array<{ id: string; name: string }>>> {
  const usage = new Map<string, Array<{ id: string; name: string }>>();
  for (const flow of await chatflows.list()) {
    if (!flow.flowData.includes('selectedStore')) continue;
    let nodes: Array<{ data?: { name?: string; inputs?: { selectedStore?: unknown } } }> = [];
    try {
      nodes = (JSON.parse(flow.flowData) as { nodes?: typeof nodes }).nodes ?? [];
    } catch {
      continue;
    }
    const selected = new Set(
      nodes.filter((n) => STORE_NODES.has(n.data?.name ?? '')).map((n) => n.data?.inputs?.selectedStore).filter((s): s is string => typeof s === 'string'),
    );
    for (const storeId of selected) usage.set(storeId, [...(usage.get(storeId) ?? []), { id: flow.id, name: flow.name }]);
  }
  return usage;
}

export async function requireStore(stores: DocumentStoreRepository, id: string): Promise<DocumentStoreRecord> {
  const store = await stores.get(id);
  if (!store) throw storeNotFound(id);
  return store;
}

/** Flowise's paged chunk answer (`IDocumentStoreFileChunkPagedResponse`); `docId` "all" pages the whole store. */
export async function chunkPage(stores: DocumentStoreRepository, storeId: string, docId: string, page: number) {
  const store = await requireStore(stores, storeId);
  let file: (StoreLoader & { status?: string }) | undefined;
  if (docId !== 'all') {
    const loader = store.loaders.find((l) => l.id === docId);
    if (!loader) throw loaderNotFound(storeId, docId);
    file = { ...loader, status: store.status };
  }
  const characters = file ? (file.totalChars ?? 0) : store.loaders.reduce((sum, l) => sum + (l.totalChars ?? 0), 0);
  const { chunks, count } = await stores.pageChunks({ storeId, ...(file ? { docId } : {}) }, page, CHUNK_PAGE_SIZE);
  return {
    chunks: chunks.map(chunkView),
    count,
    file,
    currentPage: page,
    storeName: store.name,
    description: store.description,
    docId,
    characters,
  };
}

/** A chunk as Flowise answers it: metadata as the JSON text it stores. */
export function chunkView(chunk: ChunkRecord) {
  return { ...chunk, metadata: JSON.stringify(chunk.metadata) };
}
