import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri } from '../fixtures/documents.js';
import { type ApiHarness, type HarnessFactory, eventually } from '../support/api-harness.js';

const base = '/api/v1/document-store';

/**
 * Document stores at their edges: a store deleted while its insert runs, loader settings saved with
 * bad names or oversized files, absurd pages, node names of the wrong kind, asynchronous inserts that
 * cannot run, loaders whose processing fails.
 */
export function documentStoreEdgesSuite(factory: HarnessFactory): void {
  describe('document store edges', () => {
    let h: ApiHarness;
    let credential: string;
    beforeAll(async () => {
      h = await factory();
      const created = await h.admin.post('/api/v1/credentials', { name: 'fake', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } });
      credential = created.body.id as string;
    });
    afterAll(async () => h?.close());

    const vectors = (storeId: string, modelName = 'fake-embed') => ({
      storeId,
      embeddingName: 'openAIEmbeddings',
      embeddingConfig: { modelName, basepath: h.fake.url, credential },
      vectorStoreName: 'faiss',
      vectorStoreConfig: {},
    });

    /** A store with one processed Plain Text loader. */
    async function storeWithChunks(name: string, text = 'alpha beta gamma'): Promise<{ storeId: string; loaderId: string }> {
      const storeId = (await h.admin.post(`${base}/store`, { name })).body.id as string;
      const loader = { storeId, loaderId: 'plainText', loaderName: 'Plain Text', loaderConfig: { text } };
      const saved = await h.admin.post(`${base}/loader/save`, loader);
      expect(saved.status, saved.text).toBe(200);
      const processed = await h.admin.post(`${base}/loader/process/${saved.body.id}`, { ...loader, id: saved.body.id });
      expect(processed.status, processed.text).toBe(200);
      return { storeId, loaderId: saved.body.id as string };
    }

    async function finished(location: string): Promise<{ status: string; error?: string; errorCode?: string }> {
      return eventually(async () => {
        const polled = (await h.admin.get(location)).body;
        return ['completed', 'failed', 'cancelled'].includes(polled.status) ? polled : undefined;
      }, 20000, `the job ${location} to end`);
    }

    it('a store deleted while its insert runs keeps no vectors, and its job ends cancelled, not failed', async () => {
      // Embeddings that never answer: the delete stops the insert (it holds no upsert slot afterwards).
      const hung = await storeWithChunks('hung');
      const started = await h.admin.post(`${base}/vectorstore/insert?async=true`, vectors(hung.storeId, 'fake-embed;gate=never-del'));
      expect(started.status, started.text).toBe(202);
      await h.fake.gates.reached('never-del');
      expect((await h.admin.delete(`${base}/store/${hung.storeId}`)).body).toEqual({ deleted: 1 });
      const job = await finished(started.body.location);
      expect(job).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/Document store .* was deleted/) });
      expect(await h.repos.vectors.count(`docstore:${hung.storeId}`)).toBe(0);

      // Embeddings that answer right after the delete: what the insert wrote is removed again.
      const late = await storeWithChunks('late');
      const second = await h.admin.post(`${base}/vectorstore/insert?async=true`, vectors(late.storeId, 'fake-embed;gate=late-del'));
      await h.fake.gates.reached('late-del');
      await h.admin.delete(`${base}/store/${late.storeId}`);
      h.fake.gates.open('late-del');
      expect(await finished(second.body.location)).toMatchObject({ status: 'cancelled' });
      expect(await h.repos.vectors.count(`docstore:${late.storeId}`)).toBe(0);
    });
  });
}
