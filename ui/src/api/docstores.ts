import { api } from './client';

/**
 * The document store API (`/api/v1/document-store`, Flowise's routes) as the pages use it. Shapes are
 * the server's (README, "Document stores").
 */

export interface NamedConfig {
  name: string;
  config: Record<string, unknown>;
}

export interface StoreLoader {
  id: string;
  loaderId?: string;
  loaderName?: string;
  loaderConfig?: Record<string, unknown>;
  splitterId?: string;
  splitterName?: string;
  splitterConfig?: Record<string, unknown>;
  totalChunks?: number;
  totalChars?: number;
  status?: string;
  /** Why its last processing failed (status FAILED). */
  error?: string;
  credential?: string;
  source?: string;
}

export interface DocumentStore {
  id: string;
  name: string;
  description: string | null;
  loaders: StoreLoader[];
  whereUsed: unknown[];
  status: string;
  vectorStoreConfig: NamedConfig | null;
  embeddingConfig: NamedConfig | null;
  totalChunks: number;
  totalChars: number;
  updatedDate: string;
}

export interface Chunk {
  id: string;
  docId: string;
  chunkNo: number;
  pageContent: string;
  /** JSON text, as Flowise answers it. */
  metadata: string;
}

export interface ChunkPage {
  chunks: Chunk[];
  count: number;
  currentPage: number;
  characters: number;
}

export interface LoaderSettings {
  loaderId: string;
  loaderName: string;
  loaderConfig: Record<string, unknown>;
  splitterId?: string;
  splitterName?: string;
  splitterConfig?: Record<string, unknown>;
  credential?: string;
}

export interface IndexCounts {
  numAdded: number;
  numDeleted: number;
  numUpdated: number;
  numSkipped: number;
}

export interface VectorSettings {
  embeddingName: string;
  embeddingConfig: Record<string, unknown>;
  vectorStoreName: string;
  vectorStoreConfig: Record<string, unknown>;
}

/** An upsert job row (`GET /api/v1/vector/upsert-jobs/:id`); a store insert's result holds `indexed`. */
export interface UpsertJob {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  attempt: number;
  result?: { indexed?: IndexCounts };
  error?: string;
}

export interface QueryResult {
  timeTaken: number;
  docs: Array<{ id: string; chunkNo: number; pageContent: string; metadata: Record<string, unknown>; score?: number }>;
}

const base = '/document-store';

export const docstores = {
  list: () => api<DocumentStore[]>('GET', `${base}/store`),
  get: (id: string) => api<DocumentStore>('GET', `${base}/store/${encodeURIComponent(id)}`),
  create: (name: string, description: string) => api<DocumentStore>('POST', `${base}/store`, { name, description }),
  update: (id: string, fields: { name: string; description: string }) => api<DocumentStore>('PUT', `${base}/store/${encodeURIComponent(id)}`, fields),
  remove: (id: string) => api<unknown>('DELETE', `${base}/store/${encodeURIComponent(id)}`),
  preview: (storeId: string, settings: LoaderSettings, previewChunkCount: number) =>
    api<{ chunks: Array<{ pageContent: string; metadata: Record<string, unknown> }>; totalChunks: number }>('POST', `${base}/loader/preview`, { storeId, ...settings, previewChunkCount }),
  /** Saves the loader's settings, then processes it (load, split, store chunks): the first chunk page. */
  async process(storeId: string, settings: LoaderSettings, id?: string): Promise<ChunkPage> {
    const saved = await api<StoreLoader>('POST', `${base}/loader/save`, { storeId, ...(id ? { id } : {}), ...settings });
    return api<ChunkPage>('POST', `${base}/loader/process/${encodeURIComponent(saved.id)}`, { storeId, id: saved.id, ...settings });
  },
  removeLoader: (storeId: string, loaderId: string) => api<DocumentStore>('DELETE', `${base}/loader/${encodeURIComponent(storeId)}/${encodeURIComponent(loaderId)}`),
  chunks: (storeId: string, loaderId: string, page: number) => api<ChunkPage>('GET', `${base}/chunks/${encodeURIComponent(storeId)}/${encodeURIComponent(loaderId)}/${page}`),
  editChunk: (storeId: string, chunk: Chunk, pageContent: string, metadata: string) =>
    api<ChunkPage>('PUT', `${base}/chunks/${encodeURIComponent(storeId)}/${encodeURIComponent(chunk.docId)}/${encodeURIComponent(chunk.id)}`, { pageContent, metadata }),
  deleteChunk: (storeId: string, chunk: Chunk) => api<ChunkPage>('DELETE', `${base}/chunks/${encodeURIComponent(storeId)}/${encodeURIComponent(chunk.docId)}/${encodeURIComponent(chunk.id)}`),
  saveVectors: (storeId: string, settings: VectorSettings) => api<DocumentStore>('POST', `${base}/vectorstore/save`, { storeId, ...settings }),
  /** Starts the insert as a job (`?async=true`): poll it with `job`. */
  startInsert: (storeId: string) => api<{ id: string; status: string }>('POST', `${base}/vectorstore/insert?async=true`, { storeId }),
  job: (id: string) => api<UpsertJob>('GET', `/vector/upsert-jobs/${encodeURIComponent(id)}`),
  query: (storeId: string, query: string) => api<QueryResult>('POST', `${base}/vectorstore/query`, { storeId, query }),
};
