import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CREDENTIAL_TYPES } from '../../engine/nodes/credential-types.js';
import type { NodeDefinition } from '../../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { AppError } from '../../shared/app-error.js';
import { storeLoaderSchema } from '../../storage/repositories/document-store-repository.js';
import type { AppDeps } from '../app-deps.js';
import type { DocstoreService } from '../document-store/docstore-service.js';
import { chunkPage, loaderNotFound, loaderSource, requireStore, storeNotFound, storeView } from '../document-store/store-view.js';
import { upsertDataSchema } from '../document-store/upsert-settings.js';
import { parseInput } from '../schemas/parse.js';
import { readMultipart } from '../uploads/read-multipart.js';
import { vectorConfigFields, vectorConfigSchema } from './document-store.routes.js';

const config = z.record(z.string(), z.unknown());

const previewSchema = z.looseObject({
  storeId: z.string().optional(),
  loaderId: z.string({ error: 'is required (a document loader node name)' }).min(1, 'must not be empty'),
  loaderConfig: config.default({}),
  splitterId: z.string().optional(),
  splitterConfig: config.optional(),
  credential: z.string().optional(),
  previewChunkCount: z.coerce.number().int().min(-1).optional(),
});

/** `POST /loader/save`: a loader's settings, saved before it is processed (status SYNCING). */
const loaderSaveSchema = z.looseObject({
  storeId: z.string().min(1),
  id: z.string().optional(),
  loaderId: z.string().optional(),
  loaderName: z.string().optional(),
  loaderConfig: z.record(z.string(), z.unknown()).optional(),
  splitterId: z.string().optional(),
  splitterName: z.string().optional(),
  splitterConfig: z.record(z.string(), z.unknown()).optional(),
  credential: z.string().optional(),
});

const processSchema = storeLoaderSchema.partial().extend({ storeId: z.string().min(1) });

/** Most chunks a query may ask for (each is looked up; a huge topK only costs time). */
const MAX_TOP_K = 1000;
const WHOLE = 'must be a positive whole number';
const topKSchema = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], { error: WHOLE })
  .pipe(z.number().int(WHOLE).min(1, WHOLE).max(MAX_TOP_K, `must be at most ${MAX_TOP_K}`));
const querySchema = z.object({ storeId: z.string().min(1), query: z.string().min(1), inputs: z.looseObject({ topK: topKSchema.optional() }).optional() });

/** `?async=`: true/false in any case, or 1/0 (as the X-Aim-Trace header). */
const asyncQuery = z.object({
  async: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false (or 1 or 0)' }))
    .optional(),
});

const refreshSchema = z.object({ items: z.array(upsertDataSchema).optional() }).optional();

/** Flowise's `INPUT_PARAMS_TYPE`: the param types `store-configs` lists. */
const PARAM_TYPES = new Set(['asyncOptions', 'options', 'multiOptions', 'datagrid', 'string', 'number', 'boolean', 'password', 'json', 'code', 'date', 'file', 'folder', 'tabs']);

/** Flowise's `findDocStoreAvailableConfigs`: the params an upsert may override, per node of the store. */
function overridableParams(definition: NodeDefinition) {
  const node = definition.label;
  const nodeId = `${definition.name}_0`;
  const rows: Array<{ node: string; nodeId: string; label: string; name: string; type: string }> = [];
  for (const input of definition.inputs) {
    if (input.kind !== 'param' || !PARAM_TYPES.has(input.type)) continue;
    if (input.type === 'file') rows.push({ node, nodeId, label: input.label, name: 'files', type: 'file' });
    else if (input.type === 'options') rows.push({ node, nodeId, label: input.label, name: input.name, type: input.options?.map((o) => o.name).join(', ') ?? 'string' });
    else rows.push({ node, nodeId, label: input.label, name: input.name, type: input.type === 'password' ? 'string' : input.type });
  }
  for (const name of definition.credential?.names ?? []) {
    for (const field of CREDENTIAL_TYPES.find((t) => t.name === name)?.inputs ?? []) {
      rows.push({ node, nodeId, label: field.label, name: field.name, type: field.type === 'password' ? 'string' : field.type });
    }
  }
  return rows;
}

/** The vector settings' node names must be nodes of their kind (a wrong one would break every later query). */
function checkVectorNames<T extends { embeddingName?: string; vectorStoreName?: string }>(body: T, registry: NodeRegistry): T {
  const kinds = [
    ['embeddingName', 'Embeddings'],
    ['vectorStoreName', 'Vector Stores'],
  ] as const;
  for (const [field, category] of kinds) {
    const name = body[field];
    if (name === undefined || name === '') continue;
    const definition = registry.get(name);
    if (!definition || definition.category !== category) {
      const problem = definition ? `is a ${definition.category} node, not one of ${category}` : 'is not a node aimicromind runs';
      throw new AppError('VALIDATION_FAILED', 400, `${field}: "${name}" ${problem}`);
    }
  }
  return body;
}

/** Document store routes that run loaders, splitters and embeddings (previews, processing, vectors, the one-call upsert). */
export async function documentStoreProcessingRoutes(app: FastifyInstance, deps: AppDeps, docstores: DocstoreService, registry: NodeRegistry): Promise<void> {
  const stores = deps.repos.documentStores;
  const base = '/api/v1/document-store';

  app.post(`${base}/loader/preview`, async (request) => {
    const body = parseInput(previewSchema, request.body);
    return docstores.preview(body, body.previewChunkCount);
  });

  app.post(`${base}/loader/save`, async (request) => {
    const saved = await docstores.saveLoader(parseInput(loaderSaveSchema, request.body));
    return { ...saved, source: loaderSource(saved) };
  });

  app.post<{ Params: { loaderId: string } }>(`${base}/loader/process/:loaderId`, async (request) => {
    const body = parseInput(processSchema, request.body);
    await docstores.process(body.storeId, request.params.loaderId, body);
    return chunkPage(stores, body.storeId, request.params.loaderId, 1);
  });

  app.post(`${base}/vectorstore/save`, async (request) => {
    const body = checkVectorNames(parseInput(vectorConfigSchema, request.body), registry);
    const updated = await stores.update(body.storeId, (store) => vectorConfigFields(body, store));
    if (!updated) throw storeNotFound(body.storeId);
    return storeView(updated);
  });

  // Changes only the vector store's settings (Flowise's "update" from the retrieval playground).
  app.post(`${base}/vectorstore/update`, async (request) => {
    const body = checkVectorNames(parseInput(vectorConfigSchema, request.body), registry);
    const updated = await stores.update(body.storeId, () =>
      body.vectorStoreName ? { vectorStoreConfig: { name: body.vectorStoreName, config: body.vectorStoreConfig ?? {} } } : {},
    );
    if (!updated) throw storeNotFound(body.storeId);
    return storeView(updated);
  });

  app.post<{ Querystring: { async?: string } }>(`${base}/vectorstore/insert`, async (request, reply) => {
    const query = parseInput(asyncQuery, request.query, 'Query');
    const body = checkVectorNames(parseInput(vectorConfigSchema, request.body), registry);
    // Flowise's insert keeps the saved settings that the body does not name (isStrictSave defaults to false).
    const strict = (request.body as { isStrictSave?: unknown }).isStrictSave === true;
    const updated = await stores.update(body.storeId, (store) => vectorConfigFields(body, store, strict));
    if (!updated) throw storeNotFound(body.storeId);
    if (query.async === 'true' || query.async === '1') {
      // As the chatflow upsert's `?async=true`: the job's row reports queued, running, then the counts.
      const job = await docstores.submitInsert(body.storeId);
      const location = `/api/v1/vector/upsert-jobs/${job.id}`;
      return reply.code(202).header('Location', location).send({ ...job, location });
    }
    return docstores.insert(body.storeId);
  });

  app.post(`${base}/vectorstore/query`, async (request) => {
    const body = parseInput(querySchema, request.body);
    return docstores.query(body.storeId, body.query, body.inputs);
  });

  app.delete<{ Params: { storeId: string }; Querystring: { docId?: string } }>(`${base}/vectorstore/:storeId`, async (request) =>
    docstores.deleteVectors(request.params.storeId, request.query.docId || undefined),
  );

  app.post<{ Params: { id: string } }>(`${base}/upsert/:id`, async (request) => {
    if (!request.isMultipart()) return docstores.upsert(request.params.id, parseInput(upsertDataSchema, request.body ?? {}), []);
    const { fields, files } = await readMultipart(request, deps.config.uploads, deps.config.server.bodyLimitBytes);
    return docstores.upsert(request.params.id, parseInput(upsertDataSchema, fields), files);
  });

  app.post<{ Params: { id: string } }>(`${base}/refresh/:id`, async (request) => {
    const body = parseInput(refreshSchema, request.body ?? {});
    return docstores.refresh(request.params.id, body?.items);
  });

  app.get<{ Params: { id: string; loaderId: string } }>(`${base}/store-configs/:id/:loaderId`, async (request) => {
    const store = await requireStore(stores, request.params.id);
    const loader = store.loaders.find((l) => l.id === request.params.loaderId);
    if (!loader) throw loaderNotFound(store.id, request.params.loaderId);
    const names = [loader.loaderId, loader.splitterId, store.vectorStoreConfig?.name, store.embeddingConfig?.name, store.recordManagerConfig?.name];
    const rows = names.flatMap((name) => {
      const definition = name ? registry.get(name) : undefined;
      return definition ? overridableParams(definition) : [];
    });
    if (rows.length === 0 && !registry.get(loader.loaderId ?? '')) throw new AppError('VALIDATION_FAILED', 400, `Loader "${loader.loaderId}" is not a node aimicromind runs`);
    return rows.filter((row, i) => rows.findIndex((r) => JSON.stringify(r) === JSON.stringify(row)) === i);
  });
}
