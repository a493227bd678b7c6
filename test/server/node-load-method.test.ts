import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_NODES } from '../../src/engine/nodes/node-registry.js';
import { ApiClient } from '../support/api-client.js';
import { TEST_ADMIN_KEY, type RunningServer, startServer, testEnv } from '../support/test-server.js';

/** Every (node, loadMethod) pair the registry declares on an input, found from the registry itself. */
const DECLARED = SUPPORTED_NODES.flatMap((node) =>
  node.inputs.filter((input) => input.loadMethod).map((input) => [node.name, input.name, input.loadMethod!] as const),
);

describe('POST /api/v1/node-load-method/:name (Flowise asyncOptions)', () => {
  let server: RunningServer;
  let admin: ApiClient;
  let anon: ApiClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer(testEnv());
    admin = new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    anon = new ApiClient(server.url);
    const tool = await admin.post('/api/v1/tools', { name: 'lookup_order', description: 'Finds an order', func: 'return 1' });
    expect(tool.status).toBe(200);
    ids.tool = tool.body.id;
    const stores = server.handle.core.repos.documentStores;
    for (const status of ['EMPTY', 'SYNC', 'UPSERTED'] as const) {
      const store = await stores.create({ name: `store ${status}`, description: `a ${status} store` });
      await stores.update(store.id, () => ({ status }));
      ids[status] = store.id;
    }
  });
  afterAll(() => server?.close());

  it('the registry declares load methods (the loop below is not empty)', () => {
    expect(DECLARED.length).toBeGreaterThan(0);
  });

  it.each(DECLARED)('%s.%s: %s answers [{label, name, description?}]', async (node, _input, loadMethod) => {
    const response = await admin.post(`/api/v1/node-load-method/${node}`, { loadMethod, inputs: {} });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body)).toBe(true);
    expect(response.body.length).toBeGreaterThan(0);
    for (const option of response.body) {
      expect(typeof option.label).toBe('string');
      expect(typeof option.name).toBe('string');
      if ('description' in option) expect(typeof option.description).toBe('string');
    }
  });

  it('listTools lists the saved tools by id', async () => {
    const response = await admin.post('/api/v1/node-load-method/customTool', { loadMethod: 'listTools', inputs: { selectedTool: '' }, id: 'customTool_0' });
    expect(response.body).toEqual([{ label: 'lookup_order', name: ids.tool, description: 'Finds an order' }]);
  });

  it('listStores lists the stores each document store node can read', async () => {
    const loader = await admin.post('/api/v1/node-load-method/documentStore', { loadMethod: 'listStores' });
    expect(loader.body.map((o: { name: string }) => o.name).sort()).toEqual([ids.SYNC, ids.UPSERTED].sort());
    expect(loader.body).toContainEqual({ label: 'store SYNC', name: ids.SYNC, description: 'a SYNC store' });
    const vectors = await admin.post('/api/v1/node-load-method/documentStoreVS', { loadMethod: 'listStores' });
    expect(vectors.body).toEqual([{ label: 'store UPSERTED', name: ids.UPSERTED, description: 'a UPSERTED store' }]);
  });

  it('answers 404 for an unknown node, 400 for a method the node lacks or a missing loadMethod, 401 without credentials', async () => {
    const unknown = await admin.post('/api/v1/node-load-method/pinecone', { loadMethod: 'listIndexes' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, success: false, code: 'NOT_FOUND', message: 'Node pinecone not found' });
    const lacking = await admin.post('/api/v1/node-load-method/customTool', { loadMethod: 'listStores' });
    expect(lacking.status).toBe(400);
    expect(lacking.body).toMatchObject({ statusCode: 400, success: false, code: 'VALIDATION_FAILED' });
    expect(lacking.body.message).toContain('listStores');
    expect(lacking.body.message).toContain('listTools');
    const none = await admin.post('/api/v1/node-load-method/chatOpenAI', { loadMethod: 'listModels' });
    expect(none.status).toBe(400);
    expect(none.body.message).toContain('has none');
    const missing = await admin.post('/api/v1/node-load-method/customTool', { inputs: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('loadMethod');
    expect((await anon.post('/api/v1/node-load-method/customTool', { loadMethod: 'listTools' })).status).toBe(401);
  });
});
