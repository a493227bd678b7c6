import { z } from 'zod';
import { FILE_STORAGE_PREFIX } from '../../engine/files/file-store.js';
import { loaderFieldForFile } from '../../engine/files/file-fields.js';
import { AppError } from '../../shared/app-error.js';
import { jsonText } from '../schemas/json-text.js';
import type { DocumentStoreRecord, NamedConfig, StoreLoader } from '../../storage/repositories/document-store-repository.js';


const booleanValue = z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() === 'true' : v), z.boolean()).optional();
const componentSchema = jsonText(z.object({ name: z.string().min(1).optional(), config: z.record(z.string(), z.unknown()).optional() })).optional();

/** Flowise's `IDocumentStoreUpsertData`: the body of `POST /document-store/upsert/:id` (and refresh items). */
export const upsertDataSchema = z.looseObject({
  docId: z.string().min(1).optional(),
  metadata: jsonText(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' })).optional(),
  replaceExisting: booleanValue,
  createNewDocStore: booleanValue,
  docStore: jsonText(z.object({ name: z.string().min(1), description: z.string().optional() })).optional(),
  loaderName: z.string().optional(),
  loader: componentSchema,
  splitter: componentSchema,
  vectorStore: componentSchema,
  embedding: componentSchema,
  recordManager: componentSchema,
});
export type UpsertData = z.infer<typeof upsertDataSchema>;

/** What an upsert resolves to: the loader to (re)process and the store's vector settings. */
export interface UpsertPlan {
  loader: StoreLoader;
  /** True when `loader.id` is an existing loader being replaced. */
  replaces: boolean;
  embeddingConfig: NamedConfig;
  vectorStoreConfig: NamedConfig;
  recordManagerConfig: NamedConfig | null;
}

const merged = (base: NamedConfig | null, change: { name?: string; config?: Record<string, unknown> } | undefined): NamedConfig | null => {
  const name = change?.name ?? base?.name;
  if (!name) return null;
  return { name, config: { ...(base?.config ?? {}), ...(change?.config ?? {}) } };
};

/**
 * Flowise's `upsertDocStore` settings rules: start from the loader `docId` names (and the store's
 * vector settings), replace with what the body gives (configs are merged key by key), add the
 * uploaded files' names under their loader inputs and `metadata`. Missing loader, embeddings or vector
 * store: 400 saying which. `newLoaderId` is used unless an existing loader is replaced.
 */
export function planUpsert(
  store: DocumentStoreRecord,
  data: UpsertData,
  fileNames: string[],
  options: { newLoaderId: string; refresh: boolean; labelOf: (name: string) => string | undefined },
): UpsertPlan {
  const existing = data.docId ? store.loaders.find((l) => l.id === data.docId) : undefined;
  if (data.docId && !existing) throw new AppError('NOT_FOUND', 404, `Document loader ${data.docId} not found in document store ${store.id}`);
  const loaderId = data.loader?.name ?? existing?.loaderId;
  const splitterId = data.splitter?.name ?? existing?.splitterId;
  const config: Record<string, unknown> = { ...(existing?.loaderConfig ?? {}), ...(data.loader?.config ?? {}) };
  const byField = new Map<string, string[]>();
  for (const name of fileNames) byField.set(loaderFieldForFile(name), [...(byField.get(loaderFieldForFile(name)) ?? []), name]);
  for (const [field, names] of byField) config[field] = `${FILE_STORAGE_PREFIX}${JSON.stringify(names)}`;
  if (data.metadata && Object.keys(data.metadata).length > 0) config.metadata = data.metadata;

  const embeddingConfig = merged(store.embeddingConfig, data.embedding);
  const vectorStoreConfig = merged(store.vectorStoreConfig, data.vectorStore);
  if (!loaderId) throw new AppError('VALIDATION_FAILED', 400, 'Loader not configured: give loader.name (or the docId of a loader of the store)');
  if (!vectorStoreConfig) throw new AppError('VALIDATION_FAILED', 400, 'Vector store not configured: give vectorStore.name (or configure it on the store)');
  if (!embeddingConfig) throw new AppError('VALIDATION_FAILED', 400, 'Embedding not configured: give embedding.name (or configure it on the store)');

  const replaces = Boolean(existing && (options.refresh || data.replaceExisting));
  const loader: StoreLoader = {
    ...(replaces ? existing : {}),
    id: replaces ? existing!.id : options.newLoaderId,
    loaderId,
    loaderName: data.loaderName ?? (data.loader?.name ? options.labelOf(data.loader.name) : undefined) ?? existing?.loaderName ?? loaderId,
    loaderConfig: config,
    ...(splitterId ? { splitterId, splitterName: (data.splitter?.name ? options.labelOf(data.splitter.name) : undefined) ?? existing?.splitterName ?? splitterId } : {}),
    ...(splitterId ? { splitterConfig: { ...(existing?.splitterConfig ?? {}), ...(data.splitter?.config ?? {}) } } : {}),
    totalChunks: 0,
    totalChars: 0,
    status: 'SYNCING',
  };
  return { loader, replaces, embeddingConfig, vectorStoreConfig, recordManagerConfig: merged(store.recordManagerConfig, data.recordManager) };
}
