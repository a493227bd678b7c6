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
      if (h.mode === 'queue') {
        // The Queue page sees the store's insert as the store's, and each worker's connection time holds still.
        type View = { queues: Array<{ kind: string; active: Array<Record<string, unknown>>; workers: Array<{ address: string; connectedSince: string }> }> };
        const upsertion = (view: View) => view.queues.find((q) => q.kind === 'upsertion')!;
        const first = (await h.admin.get('/api/v1/queue/status')).body as View;
        expect(upsertion(first).active).toEqual([expect.objectContaining({ documentStoreId: hung.storeId, documentStoreName: 'hung' })]);
        expect(upsertion(first).active[0]).not.toHaveProperty('chatflowId');
        // Across a whole second (Redis reports connection ages in whole seconds).
        const later = await eventually(async () => {
          const view = (await h.admin.get('/api/v1/queue/status')).body as View & { readAt: string };
          return Date.parse(view.readAt) - Date.parse((first as View & { readAt: string }).readAt) > 1100 ? view : undefined;
        });
        const since = (view: View) => Object.fromEntries(view.queues.flatMap((q) => q.workers.map((w) => [`${q.kind} ${w.address}`, w.connectedSince])));
        expect(since(later)).toEqual(since(first));
      }
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

    it('loader/save refuses unknown loaders and splitters and oversized files, stores inline files, and lists carry no file contents', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'saves' })).body.id as string;
      const unknown = await h.admin.post(`${base}/loader/save`, { storeId, loaderId: 'txtFile', loaderConfig: {} });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/loaderId: "txtFile" is not a node/);
      const notSplitter = await h.admin.post(`${base}/loader/save`, { storeId, loaderId: 'textFile', splitterId: 'plainText' });
      expect(notSplitter.status).toBe(400);
      expect(notSplitter.body.message).toMatch(/splitterId: "plainText"/);
      // Over UPLOAD_MAX_FILE_SIZE (1kb in this suite): 413 as preview and process answer.
      const big = dataUri('big.txt', 'text/plain', 'x'.repeat(2000));
      const tooBig = await h.admin.post(`${base}/loader/save`, { storeId, loaderId: 'textFile', loaderConfig: { txtFile: JSON.stringify([big]) } });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.code).toBe('UPLOAD_TOO_LARGE');
      expect((await h.admin.get(`${base}/store/${storeId}`)).body.loaders).toEqual([]);

      const text = 'small file contents '.repeat(5);
      const saved = await h.admin.post(`${base}/loader/save`, { storeId, loaderId: 'textFile', loaderName: 'Text File', loaderConfig: { txtFile: JSON.stringify([dataUri('small.txt', 'text/plain', text)]) } });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body).toMatchObject({ loaderConfig: { txtFile: 'FILE-STORAGE::["small.txt"]' }, source: 'small.txt', files: [{ name: 'small.txt' }], status: 'SYNCING' });
      expect((await h.repos.uploads.list({ chatflowId: storeId })).map((u) => u.name)).toEqual(['small.txt']);
      // A row that still holds a file inline (written by PUT /store) is listed by the file's name only.
      const inline = dataUri('inline.txt', 'text/plain', 'INLINE-CONTENT '.repeat(20));
      await h.admin.put(`${base}/store/${storeId}`, { loaders: JSON.stringify([{ ...saved.body, loaderConfig: { txtFile: JSON.stringify([inline]) } }]) });
      const list = await h.admin.get(`${base}/store`);
      expect(list.text).not.toContain(Buffer.from('INLINE-CONTENT ').toString('base64').slice(0, 12));
      expect(list.body.find((s: { id: string }) => s.id === storeId).loaders[0].loaderConfig.txtFile).toMatch(/inline\.txt/);
      // Processing it works from the stored file.
      const processed = await h.admin.post(`${base}/loader/process/${saved.body.id}`, { storeId, id: saved.body.id, loaderConfig: saved.body.loaderConfig });
      expect(processed.status, processed.text).toBe(200);
      expect(processed.body.chunks[0].pageContent).toMatch(/^small file contents small/);
    });

    it('refuses chunk pages that are not safe positive whole numbers', async () => {
      const { storeId } = await storeWithChunks('pages');
      for (const page of ['999999999999999999', '9007199254740993', '1.5', '0', '-1', 'abc', '1e3']) {
        const response = await h.admin.get(`${base}/chunks/${storeId}/all/${page}`);
        expect(response.status, `${page}: ${response.text}`).toBe(400);
        expect(response.body.message).toMatch(/pageNo must be a whole number from 1 to 9007199254740991/);
      }
      expect((await h.admin.get(`${base}/chunks/${storeId}/all/1`)).body).toMatchObject({ count: 1, currentPage: 1 });
    });

    it('vectorstore/save and insert refuse node names that are not embeddings or vector stores, naming the field', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'names' })).body.id as string;
      const cases = [
        [{ embeddingName: 'nope', vectorStoreName: 'faiss' }, /embeddingName: "nope" is not a node/],
        [{ embeddingName: 'chatOpenAI', vectorStoreName: 'faiss' }, /embeddingName: "chatOpenAI" is a Chat Models node, not one of Embeddings/],
        [{ embeddingName: 'openAIEmbeddings', vectorStoreName: 'calculator' }, /vectorStoreName: "calculator" is a Tools node/],
        [{ embeddingName: 'openAIEmbeddings', vectorStoreName: 'nonexistentVS' }, /vectorStoreName: "nonexistentVS" is not a node/],
      ] as const;
      for (const [names, message] of cases) {
        for (const route of ['vectorstore/save', 'vectorstore/insert']) {
          const response = await h.admin.post(`${base}/${route}`, { storeId, ...names });
          expect(response.status, `${route} ${JSON.stringify(names)}`).toBe(400);
          expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
        }
      }
      expect((await h.admin.get(`${base}/store/${storeId}`)).body).toMatchObject({ embeddingConfig: null, vectorStoreConfig: null, status: 'EMPTY' });
      expect((await h.admin.post(`${base}/vectorstore/save`, vectors(storeId))).status).toBe(200);
    });

    it('an asynchronous insert makes the synchronous checks before it is queued; a failed insert leaves an empty store EMPTY', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'async checks' })).body.id as string;
      for (const query of ['', '?async=true']) {
        const none = await h.admin.post(`${base}/vectorstore/insert${query}`, { storeId });
        expect(none.status, `${query} ${none.text}`).toBe(400);
        expect(none.body.message).toMatch(/has no embeddings configured/);
      }
      const badCredential = { ...vectors(storeId), embeddingConfig: { modelName: 'fake-embed', basepath: h.fake.url, credential: 'nope-cred' } };
      for (const query of ['', '?async=true']) {
        const response = await h.admin.post(`${base}/vectorstore/insert${query}`, badCredential);
        expect(response.status, `${query} ${response.text}`).toBe(400);
        expect(response.body.message).toMatch(/nope-cred/);
      }
      expect((await h.admin.get(`${base}/store/${storeId}`)).body.status).not.toBe('UPSERTED');
      // A store with no loaders whose insert fails (the provider refuses) stays EMPTY.
      const empty = (await h.admin.post(`${base}/store`, { name: 'empty' })).body.id as string;
      const failing = await h.admin.post(`${base}/vectorstore/insert?async=true`, { ...vectors(empty, 'fake-embed;error=500'), isStrictSave: true });
      expect(failing.status, failing.text).toBe(202);
      await finished(failing.body.location);
      expect((await h.repos.documentStores.get(empty))?.status).not.toBe('SYNC');
    });

    it('a loader whose processing fails is marked FAILED with the error; processing it again clears that', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'failing loader' })).body.id as string;
      const loader = { storeId, loaderId: 'cheerioWebScraper', loaderName: 'Cheerio Web Scraper', loaderConfig: { url: `${h.fake.url}/` } };
      const saved = await h.admin.post(`${base}/loader/save`, loader);
      const failed = await h.admin.post(`${base}/loader/process/${saved.body.id}`, { ...loader, id: saved.body.id });
      expect(failed.status).toBe(400);
      const store = (await h.admin.get(`${base}/store/${storeId}`)).body;
      expect(store.loaders).toEqual([expect.objectContaining({ id: saved.body.id, status: 'FAILED', error: failed.body.message })]);
      const fixed = { ...loader, loaderId: 'plainText', loaderName: 'Plain Text', loaderConfig: { text: 'now it works' } };
      expect((await h.admin.post(`${base}/loader/process/${saved.body.id}`, { ...fixed, id: saved.body.id })).status).toBe(200);
      const after = (await h.admin.get(`${base}/store/${storeId}`)).body.loaders[0];
      expect(after.status).toBe('SYNC');
      expect(after.error).toBeUndefined();
    });

    it('a query refuses a topK that is not a whole number from 1 to 1000', async () => {
      const { storeId } = await storeWithChunks('topK');
      expect((await h.admin.post(`${base}/vectorstore/insert`, vectors(storeId))).status).toBe(200);
      for (const topK of [-5, 0, 2.5, 'abc', null, 1e9, '']) {
        const response = await h.admin.post(`${base}/vectorstore/query`, { storeId, query: 'alpha', inputs: { topK } });
        expect(response.status, `${JSON.stringify(topK)}: ${response.text}`).toBe(400);
        expect(response.body.message).toMatch(topK === 1e9 ? /inputs\.topK: must be at most 1000/ : /inputs\.topK: must be a positive whole number/);
      }
      for (const topK of [3, '2']) {
        const response = await h.admin.post(`${base}/vectorstore/query`, { storeId, query: 'alpha', inputs: { topK } });
        expect(response.status, response.text).toBe(200);
        expect(response.body.docs).toHaveLength(1);
      }
    });

    it('says precisely what is wrong: long store ids, ?async in any case, store pages, a provider refusal stated once', async () => {
      const longId = 's'.repeat(5000);
      // (Path parameters are capped by the router: 414 over 200 characters.)
      for (const response of [
        await h.admin.post(`${base}/vectorstore/insert`, { storeId: longId }),
        await h.admin.post(`${base}/vectorstore/query`, { storeId: longId, query: 'q' }),
        await h.admin.post(`${base}/loader/save`, { storeId: longId }),
      ]) {
        expect(response.status).toBe(400);
        expect(response.body.message).toBe('storeId: must be at most 500 characters');
      }
      const { storeId } = await storeWithChunks('flags');
      const upper = await h.admin.post(`${base}/vectorstore/insert?async=TRUE`, vectors(storeId));
      expect(upper.status, upper.text).toBe(202);
      await finished(upper.body.location);
      const bad = await h.admin.post(`${base}/vectorstore/insert?async=maybe`, { storeId });
      expect(bad.body.message).toContain('async: must be true or false (or 1 or 0)');
      const pages = await h.admin.get(`${base}/store?page=99999999999999999999&limit=5000`);
      expect(pages.status).toBe(400);
      expect(pages.body.message).toContain(`page: must be at most ${Number.MAX_SAFE_INTEGER}; limit: must be at most 1000`);
      const refused = await h.admin.post(`${base}/vectorstore/insert`, vectors(storeId, 'fake-embed;error=401'));
      expect(refused.status).toBe(502);
      expect(refused.body.message).toMatch(/embeddings call failed: 401 /);
      expect(refused.body.message).not.toMatch(/401 401/);
    });

    it('refuses an empty chunk edit, a store name over 200 characters and a chunkSize below 1, naming the field', async () => {
      const { storeId, loaderId } = await storeWithChunks('edits');
      const chunk = (await h.admin.get(`${base}/chunks/${storeId}/${loaderId}/1`)).body.chunks[0];
      for (const pageContent of ['', '   ']) {
        const response = await h.admin.put(`${base}/chunks/${storeId}/${loaderId}/${chunk.id}`, { pageContent });
        expect(response.status).toBe(400);
        expect(response.body.message).toMatch(/pageContent: must not be empty/);
      }
      expect((await h.repos.documentStores.getChunk(chunk.id))?.pageContent).toBe('alpha beta gamma');
      const long = await h.admin.post(`${base}/store`, { name: 'a'.repeat(201) });
      expect(long.status).toBe(400);
      expect(long.body.message).toMatch(/name: must be at most 200 characters/);
      expect((await h.admin.put(`${base}/store/${storeId}`, { name: 'a'.repeat(100_000) })).status).toBe(400);
      for (const chunkSize of [-3, 0]) {
        const preview = await h.admin.post(`${base}/loader/preview`, { loaderId: 'plainText', loaderConfig: { text: 'abc' }, splitterId: 'recursiveCharacterTextSplitter', splitterConfig: { chunkSize } });
        expect(preview.status).toBe(400);
        expect(preview.body.message).toMatch(new RegExp(`chunkSize must be a positive whole number \\(got ${chunkSize}\\)`));
        expect(preview.body.message).not.toMatch(/chunkOverlap/);
      }
    });
  });
}
