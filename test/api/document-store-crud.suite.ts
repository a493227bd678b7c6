import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, type HarnessFactory } from '../support/api-harness.js';

const base = '/api/v1/document-store';

/** Document stores' management routes: stores, loader settings, chunks, vector configuration. */
export function documentStoreCrudSuite(factory: HarnessFactory): void {
  describe('document store management', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    it('creates, lists, reads, updates and deletes stores, behind the management key', async () => {
      expect((await h.anon.post(`${base}/store`, { name: 'x' })).status).toBe(401);
      const created = await h.admin.post(`${base}/store`, { name: 'Handbook', description: 'HR docs' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ name: 'Handbook', description: 'HR docs', status: 'EMPTY', loaders: [], whereUsed: [], totalChunks: 0, totalChars: 0 });
      const id = created.body.id as string;

      const flow = {
        nodes: [{ id: 'documentStore_0', data: { id: 'documentStore_0', name: 'documentStore', inputs: { selectedStore: id } } }],
        edges: [],
      };
      const chatflow = await h.admin.post('/api/v1/chatflows', { name: 'uses handbook', flowData: JSON.stringify(flow) });
      expect((await h.admin.get(`${base}/store/${id}`)).body.whereUsed).toEqual([{ id: chatflow.body.id, name: 'uses handbook' }]);
      const list = await h.admin.get(`${base}/store`);
      expect(list.body.find((s: { id: string }) => s.id === id).whereUsed).toEqual([chatflow.body.id]);
      const paged = await h.admin.get(`${base}/store?page=1&limit=1`);
      expect(paged.body).toMatchObject({ total: expect.any(Number), data: [expect.any(Object)] });

      // The UI sends configs as JSON strings; API users send objects.
      const updated = await h.admin.put(`${base}/store/${id}`, {
        name: 'Handbook 2',
        embeddingConfig: JSON.stringify({ name: 'openAIEmbeddings', config: { modelName: 'text-embedding-3-small' } }),
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Handbook 2', embeddingConfig: { name: 'openAIEmbeddings', config: { modelName: 'text-embedding-3-small' } } });
      expect((await h.admin.put(`${base}/store/${id}`, { name: '' })).status).toBe(400);
      expect((await h.admin.get(`${base}/store/no-such-store`)).status).toBe(404);

      expect(await h.admin.delete(`${base}/store/${id}`)).toMatchObject({ status: 200, body: { deleted: 1 } });
      expect((await h.admin.get(`${base}/store/${id}`)).status).toBe(404);
      expect((await h.admin.delete(`${base}/store/${id}`)).status).toBe(404);
    });

    it('saves loader settings, pages, edits and deletes chunks with the loader totals kept right', async () => {
      const id = (await h.admin.post(`${base}/store`, { name: 'Chunks' })).body.id as string;
      const saved = await h.admin.post(`${base}/loader/save`, {
        storeId: id,
        loaderId: 'plainText',
        loaderName: 'Plain Text',
        loaderConfig: { text: 'hello' },
        splitterId: 'characterTextSplitter',
        splitterName: 'Character Text Splitter',
        splitterConfig: { chunkSize: 5 },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ loaderId: 'plainText', status: 'SYNCING', totalChunks: 0, source: 'None', id: expect.any(String) });
      const loaderId = saved.body.id as string;
      expect((await h.admin.get(`${base}/store/${id}`)).body.status).toBe('STALE');

      // Chunks as processing writes them, with the loader's totals.
      const texts = Array.from({ length: 60 }, (_, i) => `chunk number ${i + 1}`);
      await h.repos.documentStores.replaceChunks(id, loaderId, texts.map((t, i) => ({ pageContent: t, metadata: { i } })));
      const chars = texts.reduce((sum, t) => sum + t.length, 0);
      await h.repos.documentStores.update(id, (s) => ({ loaders: s.loaders.map((l) => ({ ...l, totalChunks: 60, totalChars: chars, status: 'SYNC' })) }));

      const page2 = await h.admin.get(`${base}/chunks/${id}/${loaderId}/2`);
      expect(page2.status).toBe(200);
      expect(page2.body).toMatchObject({ count: 60, currentPage: 2, storeName: 'Chunks', docId: loaderId, characters: chars, file: { id: loaderId } });
      expect(page2.body.chunks).toHaveLength(10);
      expect(page2.body.chunks[0]).toMatchObject({ chunkNo: 51, pageContent: 'chunk number 51', metadata: '{"i":50}' });
      expect((await h.admin.get(`${base}/chunks/${id}/all/1`)).body).toMatchObject({ count: 60, characters: chars });

      const first = (await h.admin.get(`${base}/chunks/${id}/${loaderId}/1`)).body.chunks[0];
      const edited = await h.admin.put(`${base}/chunks/${id}/${loaderId}/${first.id}`, { pageContent: 'short', metadata: { edited: true } });
      expect(edited.status).toBe(200);
      expect(edited.body.chunks[0]).toMatchObject({ pageContent: 'short', metadata: '{"edited":true}' });
      expect(edited.body.characters).toBe(chars - first.pageContent.length + 5);
      const afterDelete = await h.admin.delete(`${base}/chunks/${id}/${loaderId}/${first.id}`);
      expect(afterDelete.body).toMatchObject({ count: 59, characters: chars - first.pageContent.length });
      expect((await h.admin.get(`${base}/store/${id}`)).body).toMatchObject({ totalChunks: 59 });
      expect((await h.admin.delete(`${base}/chunks/${id}/${loaderId}/${first.id}`)).status).toBe(404);
      expect((await h.admin.get(`${base}/chunks/${id}/no-loader/1`)).status).toBe(404);
      expect((await h.admin.get(`${base}/chunks/${id}/${loaderId}/0`)).status).toBe(400);

      const removed = await h.admin.delete(`${base}/loader/${id}/${loaderId}`);
      expect(removed.status).toBe(200);
      expect(removed.body.loaders).toEqual([]);
      expect(await h.repos.documentStores.chunksOf(id)).toEqual([]);
      expect((await h.admin.delete(`${base}/loader/${id}/${loaderId}`)).status).toBe(404);
    });

    it('saves the vector configuration (strict: what is not named is cleared)', async () => {
      const id = (await h.admin.post(`${base}/store`, { name: 'Vectors' })).body.id as string;
      const saved = await h.admin.post(`${base}/vectorstore/save`, {
        storeId: id,
        embeddingName: 'openAIEmbeddings',
        embeddingConfig: { modelName: 'text-embedding-3-small', credential: 'cred-1' },
        vectorStoreName: 'faiss',
        vectorStoreConfig: { topK: 3 },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        status: 'SYNC',
        embeddingConfig: { name: 'openAIEmbeddings', config: { modelName: 'text-embedding-3-small', credential: 'cred-1' } },
        vectorStoreConfig: { name: 'faiss', config: { topK: 3 } },
        recordManagerConfig: null,
      });
      const onlyVector = await h.admin.post(`${base}/vectorstore/update`, { storeId: id, vectorStoreName: 'faiss', vectorStoreConfig: { topK: 5 } });
      expect(onlyVector.body).toMatchObject({ vectorStoreConfig: { config: { topK: 5 } }, embeddingConfig: { name: 'openAIEmbeddings' } });
      const cleared = await h.admin.post(`${base}/vectorstore/save`, { storeId: id, vectorStoreName: 'faiss', vectorStoreConfig: {} });
      expect(cleared.body.embeddingConfig).toBeNull();
      expect((await h.admin.post(`${base}/vectorstore/save`, { storeId: 'nope' })).status).toBe(404);
    });
  });
}
