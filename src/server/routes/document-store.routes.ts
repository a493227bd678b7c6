import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import {
  type DocumentStoreFields,
  type DocumentStoreRecord,
  type NamedConfig,
  type StoreLoader,
  namedConfigSchema,
  storeLoaderSchema,
} from '../../storage/repositories/document-store-repository.js';
import { clearStoreVectors } from '../../runner/docstore/document-store-processor.js';
import type { AppDeps } from '../app-deps.js';
import {
  chunkPage,
  loaderNotFound,
  loaderSource,
  requireStore,
  storeNotFound,
  storeUsage,
  storeView,
} from '../document-store/store-view.js';
import { jsonText } from '../schemas/json-text.js';
import { parseInput } from '../schemas/parse.js';
import { limitParam, pageParam } from '../schemas/query-params.js';

/** Longest store name (the list page and the canvas's store dropdown show it whole). */
const MAX_STORE_NAME = 200;

/** Flowise's UI sends JSON columns as strings (empty: cleared); API users send objects. */
const columnText = <T extends z.ZodType>(schema: T) => jsonText(schema, { emptyIsNull: true });

const storeFields = {
  name: z.string().trim().min(1, 'must not be empty').max(MAX_STORE_NAME, `must be at most ${MAX_STORE_NAME} characters`),
  description: z.string().nullable().optional(),
  loaders: columnText(z.array(storeLoaderSchema)).optional(),
  whereUsed: columnText(z.array(z.string())).optional(),
  vectorStoreConfig: columnText(namedConfigSchema.nullable()).optional(),
  embeddingConfig: columnText(namedConfigSchema.nullable()).optional(),
  recordManagerConfig: columnText(namedConfigSchema.nullable()).optional(),
};
const createSchema = z.object(storeFields);
const updateSchema = z.object({ ...storeFields, name: storeFields.name.optional() });

const pageQuery = z.object({ page: pageParam.optional(), limit: limitParam(1000).optional() });

const chunkEditSchema = z.object({
  // An empty chunk would be embedded as an empty string; deleting it is the way to remove its text.
  pageContent: z.string().refine((text) => text.trim() !== '', 'must not be empty (delete the chunk instead)'),
  metadata: columnText(z.record(z.string(), z.unknown())).optional(),
});

export const vectorConfigSchema = z.looseObject({
  storeId: z.string().min(1),
  embeddingName: z.string().optional(),
  embeddingConfig: z.record(z.string(), z.unknown()).optional(),
  vectorStoreName: z.string().optional(),
  vectorStoreConfig: z.record(z.string(), z.unknown()).optional(),
  recordManagerName: z.string().optional(),
  recordManagerConfig: z.record(z.string(), z.unknown()).optional(),
});

type VectorConfigBody = z.infer<typeof vectorConfigSchema>;

/**
 * Flowise's `saveVectorStoreConfig`: each of embedding, vector store and record manager is set when
 * named; one not named is cleared (`strict`, the save route) or kept (the insert route). A store not
 * yet upserted becomes SYNC once something is configured.
 */
export function vectorConfigFields(body: VectorConfigBody, current: Pick<DocumentStoreRecord, 'status' | 'embeddingConfig' | 'vectorStoreConfig' | 'recordManagerConfig'>, strict = true): DocumentStoreFields {
  const named = (name: string | undefined, config: Record<string, unknown> | undefined, held: NamedConfig | null) =>
    name ? { name, config: config ?? {} } : strict ? null : held;
  const fields: DocumentStoreFields = {
    embeddingConfig: named(body.embeddingName, body.embeddingConfig, current.embeddingConfig),
    vectorStoreConfig: named(body.vectorStoreName, body.vectorStoreConfig, current.vectorStoreConfig),
    recordManagerConfig: named(body.recordManagerName, body.recordManagerConfig, current.recordManagerConfig),
  };
  if (current.status !== 'UPSERTED' && (body.embeddingName || body.vectorStoreName || body.recordManagerName)) fields.status = 'SYNC';
  return fields;
}

/** Document stores, their loaders' settings, chunks and vector configuration (Flowise's routes). */
export async function documentStoreRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const stores = deps.repos.documentStores;
  const base = '/api/v1/document-store';

  app.post(`${base}/store`, async (request) => {
    const body = parseInput(createSchema, request.body);
    return storeView(await stores.create({ ...body, description: body.description ?? null }));
  });

  app.get<{ Querystring: Record<string, string> }>(`${base}/store`, async (request) => {
    const query = parseInput(pageQuery, request.query, 'Query');
    const paged = query.page !== undefined && query.limit !== undefined;
    const { stores: list, total } = await stores.list(paged ? { page: query.page!, limit: query.limit! } : undefined);
    const usage = await storeUsage(deps.repos.chatflows);
    const data = list.map((s) => storeView(s, (usage.get(s.id) ?? []).map((u) => u.id), { listing: true }));
    return paged ? { total, data } : data;
  });

  app.get<{ Params: { id: string } }>(`${base}/store/:id`, async (request) => {
    const store = await requireStore(stores, request.params.id);
    return storeView(store, (await storeUsage(deps.repos.chatflows)).get(store.id) ?? []);
  });

  app.put<{ Params: { id: string } }>(`${base}/store/:id`, async (request) => {
    const body = parseInput(updateSchema, request.body);
    const updated = await stores.update(request.params.id, () => body as DocumentStoreFields);
    if (!updated) throw storeNotFound(request.params.id);
    return storeView(updated);
  });

  app.delete<{ Params: { id: string } }>(`${base}/store/:id`, async (request) => {
    const deleted = await stores.delete(request.params.id);
    if (!deleted) throw storeNotFound(request.params.id);
    await deps.repos.uploads.deleteOwner(request.params.id);
    await clearStoreVectors(deps.repos.vectors, request.params.id);
    return { deleted: 1 };
  });

  app.delete<{ Params: { id: string; loaderId: string } }>(`${base}/loader/:id/:loaderId`, async (request) => {
    const { id, loaderId } = request.params;
    let removed: StoreLoader | undefined;
    const updated = await stores.update(id, (store) => {
      removed = store.loaders.find((l) => l.id === loaderId);
      if (!removed) throw loaderNotFound(id, loaderId);
      return { loaders: store.loaders.filter((l) => l.id !== loaderId) };
    });
    if (!updated) throw storeNotFound(id);
    await stores.deleteLoaderChunks(loaderId);
    await deps.repos.uploads.delete({ chatflowId: id }, (removed?.files ?? []).map((f) => f.name));
    return storeView(updated);
  });

  app.get<{ Params: { storeId: string; fileId: string; pageNo: string } }>(`${base}/chunks/:storeId/:fileId/:pageNo`, async (request) => {
    // Digits only (1.5 is not page 1), and no larger than a number the database takes exactly.
    const page = /^\d{1,16}$/.test(request.params.pageNo) ? Number(request.params.pageNo) : Number.NaN;
    if (!Number.isSafeInteger(page) || page < 1) {
      throw new AppError('VALIDATION_FAILED', 400, `pageNo must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
    }
    return chunkPage(stores, request.params.storeId, request.params.fileId, page);
  });

  app.put<{ Params: { storeId: string; loaderId: string; chunkId: string } }>(`${base}/chunks/:storeId/:loaderId/:chunkId`, async (request) => {
    const { storeId, loaderId, chunkId } = request.params;
    const body = parseInput(chunkEditSchema, request.body);
    const chunk = await stores.getChunk(chunkId);
    if (!chunk || chunk.docId !== loaderId || chunk.storeId !== storeId) throw new AppError('NOT_FOUND', 404, `Document chunk ${chunkId} not found`);
    await stores.updateChunk(chunkId, body.pageContent, body.metadata ?? chunk.metadata);
    await adjustLoaderTotals(storeId, loaderId, 0, body.pageContent.length - chunk.pageContent.length);
    return chunkPage(stores, storeId, loaderId, 1);
  });

  app.delete<{ Params: { storeId: string; loaderId: string; chunkId: string } }>(`${base}/chunks/:storeId/:loaderId/:chunkId`, async (request) => {
    const { storeId, loaderId, chunkId } = request.params;
    const chunk = await stores.getChunk(chunkId);
    if (!chunk || chunk.docId !== loaderId || chunk.storeId !== storeId) throw new AppError('NOT_FOUND', 404, `Document chunk ${chunkId} not found`);
    await stores.deleteChunk(chunkId);
    await adjustLoaderTotals(storeId, loaderId, -1, -chunk.pageContent.length);
    return chunkPage(stores, storeId, loaderId, 1);
  });

  async function adjustLoaderTotals(storeId: string, loaderId: string, chunks: number, chars: number): Promise<void> {
    const updated = await stores.update(storeId, (store) => {
      if (!store.loaders.some((l) => l.id === loaderId)) throw loaderNotFound(storeId, loaderId);
      return {
        loaders: store.loaders.map((l) =>
          l.id === loaderId ? { ...l, totalChunks: (l.totalChunks ?? 0) + chunks, totalChars: (l.totalChars ?? 0) + chars } : l,
        ),
      };
    });
    if (!updated) throw storeNotFound(storeId);
  }
}
