import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from '../fixtures/chatflows.js';
import { dataUri, makePdf } from '../fixtures/documents.js';
import { docstoreFlow, docstoreLoaderFlow } from '../fixtures/docstore-flows.js';
import { type ApiHarness, type HarnessFactory, eventually } from '../support/api-harness.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const base = '/api/v1/document-store';
const BAKERY = 'The bakery opens at seven every morning and sells fresh bread.';
const GARAGE = 'The garage repairs cars and trucks on weekdays only.';
const PDF_PAGES = ['The lighthouse keeper lights the lamp at dusk.', 'Ferries to the island leave from pier nine.'];

type SourceDoc = { pageContent: string; metadata: Record<string, unknown> };

/**
 * Document stores filled through the API and read by chatflows: the editor's step-by-step routes
 * (preview, save, process, insert, query) and the one-call upsert and refresh, with real loaders,
 * splitters and (fake) embeddings. The same in both modes: in queue mode a worker answers from vectors
 * it never saw written.
 */
export function documentStoreSuite(factory: HarnessFactory): void {
  describe('document stores', () => {
    let h: ApiHarness;
    let credential: string;
    beforeAll(async () => {
      h = await factory();
      const created = await h.admin.post('/api/v1/credentials', { name: 'fake', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } });
      credential = created.body.id as string;
    });
    afterAll(async () => h?.close());

    const embedding = () => ({ modelName: 'fake-embed', basepath: h.fake.url, credential });

    async function ask(storeId: string, question: string): Promise<{ text: string; sourceDocuments: SourceDoc[] }> {
      const flow = await h.admin.post('/api/v1/chatflows', {
        name: 'from a store',
        flowData: stringify(docstoreFlow({ model: 'fake', basepath: h.fake.url, credential, storeId })),
      });
      const response = await h.anon.post(`/api/v1/prediction/${flow.body.id}`, { question });
      expect(response.status, response.text).toBe(200);
      return response.body;
    }

    it('fills a store step by step: preview, save, process, insert, query; a chatflow cites its chunks', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'Town' })).body.id as string;
      const loader = {
        storeId,
        loaderId: 'textFile',
        loaderName: 'Text File',
        loaderConfig: { txtFile: JSON.stringify([dataUri('bakery.txt', 'text/plain', BAKERY), dataUri('garage.txt', 'text/plain', GARAGE)]) },
        splitterId: 'recursiveCharacterTextSplitter',
        splitterName: 'Recursive Character Text Splitter',
        splitterConfig: { chunkSize: 1000, chunkOverlap: 0 },
      };
      const preview = await h.admin.post(`${base}/loader/preview`, { ...loader, previewChunkCount: 1 });
      expect(preview.status, preview.text).toBe(200);
      expect(preview.body).toMatchObject({ totalChunks: 2, previewChunkCount: 1, chunks: [{ pageContent: BAKERY, metadata: { source: 'bakery.txt' } }] });
      expect(await h.repos.uploads.list({ chatflowId: storeId })).toEqual([]);
      // A web page preview reaches the outbound policy (here refusing a private address without HTTP_ALLOW_LIST), named once.
      const web = await h.admin.post(`${base}/loader/preview`, { storeId, loaderId: 'cheerioWebScraper', loaderName: 'Cheerio Web Scraper', loaderConfig: { url: `${h.fake.url}/` } });
      expect(web.status).toBe(400);
      expect(web.body.message).not.toMatch(/not available in this process/);
      expect(web.body.message.match(/cheerioWebScraper_0/g)).toHaveLength(1);
      // An unknown splitter (or a node that is not one) is refused, not silently ignored.
      const unknownSplitter = await h.admin.post(`${base}/loader/preview`, { ...loader, splitterId: 'notASplitter', splitterConfig: {} });
      expect(unknownSplitter.status).toBe(400);
      expect(unknownSplitter.body.message).toMatch(/"notASplitter" is not a node/);
      const notSplitter = await h.admin.post(`${base}/loader/preview`, { ...loader, splitterId: 'textFile' });
      expect(notSplitter.status).toBe(400);
      expect(notSplitter.body.message).toMatch(/"textFile" is not a text splitter/);

      const saved = await h.admin.post(`${base}/loader/save`, loader);
      const badProcess = await h.admin.post(`${base}/loader/process/${saved.body.id}`, { ...loader, id: saved.body.id, splitterId: 'notASplitter' });
      expect(badProcess.status).toBe(400);
      expect(badProcess.body.message).toMatch(/splitter: "notASplitter" is not a node/);
      const processed = await h.admin.post(`${base}/loader/process/${saved.body.id}`, { ...loader, id: saved.body.id });
      expect(processed.status, processed.text).toBe(200);
      expect(processed.body).toMatchObject({ count: 2, characters: BAKERY.length + GARAGE.length, file: { status: 'SYNC' } });
      expect((await h.repos.uploads.list({ chatflowId: storeId })).map((u) => u.name)).toEqual(['bakery.txt', 'garage.txt']);
      const store = (await h.admin.get(`${base}/store/${storeId}`)).body;
      expect(store).toMatchObject({ status: 'SYNC', totalChunks: 2, loaders: [{ source: 'bakery.txt, garage.txt', files: [{ name: 'bakery.txt' }, { name: 'garage.txt' }] }] });
      expect(store.loaders[0].loaderConfig.txtFile).toBe('FILE-STORAGE::["bakery.txt","garage.txt"]');

      const vectors = { storeId, embeddingName: 'openAIEmbeddings', embeddingConfig: embedding(), vectorStoreName: 'faiss', vectorStoreConfig: { topK: 1 } };
      const inserted = await h.admin.post(`${base}/vectorstore/insert`, vectors);
      expect(inserted.status, inserted.text).toBe(200);
      expect(inserted.body).toMatchObject({ numAdded: 2, numSkipped: 0, numDeleted: 0 });
      expect((await h.admin.get(`${base}/store/${storeId}`)).body.status).toBe('UPSERTED');
      // Idempotent: nothing is added twice.
      expect((await h.admin.post(`${base}/vectorstore/insert`, { storeId })).body).toMatchObject({ numAdded: 0, numSkipped: 2 });
      // Asynchronously (the web UI's progress): 202 with the job, whose row reports its status, then the counts.
      const accepted = await h.admin.post(`${base}/vectorstore/insert?async=true`, { storeId });
      expect(accepted.status, accepted.text).toBe(202);
      expect(accepted.body).toEqual({ id: expect.any(String), status: 'queued', location: `/api/v1/vector/upsert-jobs/${accepted.body.id}` });
      expect(accepted.headers.get('location')).toBe(accepted.body.location);
      const job = await eventually(async () => {
        const polled = (await h.admin.get(accepted.body.location)).body;
        return polled.status === 'completed' || polled.status === 'failed' ? polled : undefined;
      }, 20000, 'the async insert');
      expect(job).toMatchObject({ kind: 'documentStore', documentStoreId: storeId, status: 'completed', result: { indexed: { numAdded: 0, numSkipped: 2 } } });
      const badFlag = await h.admin.post(`${base}/vectorstore/insert?async=maybe`, { storeId });
      expect(badFlag.status).toBe(400);
      expect(badFlag.body.message).toMatch(/async/);

      const query = await h.admin.post(`${base}/vectorstore/query`, { storeId, query: 'when does the bakery open?' });
      expect(query.status, query.text).toBe(200);
      expect(query.body.docs).toEqual([{ pageContent: BAKERY, metadata: expect.objectContaining({ source: 'bakery.txt', docId: saved.body.id }), id: expect.any(String), chunkNo: 1, score: expect.any(Number) }]);

      const answer = await ask(storeId, 'Which day does the garage repair trucks?');
      expect(answer.sourceDocuments.map((d) => d.pageContent)).toEqual([GARAGE]);

      // The documentStore loader reads the same chunks in any chatflow (here into an in-memory store).
      const loaderFlow = await h.admin.post('/api/v1/chatflows', {
        name: 'store as loader',
        flowData: stringify(docstoreLoaderFlow({ model: 'fake', basepath: h.fake.url, embeddingsBasepath: h.fake.url, credential, storeId })),
      });
      const viaLoader = await h.anon.post(`/api/v1/prediction/${loaderFlow.body.id}`, { question: 'bakery bread morning' });
      expect(viaLoader.status, viaLoader.text).toBe(200);
      expect(viaLoader.body.sourceDocuments).toEqual([{ pageContent: BAKERY, metadata: expect.objectContaining({ source: 'bakery.txt' }) }]);

      // Removing one loader's vectors keeps the others; removing all empties the collection.
      const oneLoader = await h.admin.delete(`${base}/vectorstore/${storeId}?docId=${saved.body.id}`);
      expect(oneLoader.body).toMatchObject({ numDeleted: 2 });
      expect((await h.admin.post(`${base}/vectorstore/insert`, { storeId })).body).toMatchObject({ numAdded: 2 });
      const cleared = await h.admin.delete(`${base}/vectorstore/${storeId}`);
      expect(cleared.body).toMatchObject({ numDeleted: 2 });
      expect(await h.repos.vectors.count(`docstore:${storeId}`)).toBe(0);
      expect((await h.admin.get(`${base}/store/${storeId}`)).body.status).toBe('SYNC');
      await h.admin.post(`${base}/vectorstore/insert`, { storeId });
      expect((await h.admin.delete(`${base}/store/${storeId}`)).status).toBe(200);
      expect(await h.repos.uploads.list({ chatflowId: storeId })).toEqual([]);
      expect(await h.repos.vectors.count(`docstore:${storeId}`)).toBe(0);
      expect(await h.repos.documentStores.chunksOf(storeId)).toEqual([]);
    });

    it('takes a PDF and a text file through the one-call upsert API, and chatflows cite both', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'Coast' })).body.id as string;
      const form = new FormData();
      form.append('files', new Blob([makePdf(PDF_PAGES)], { type: 'application/pdf' }), 'coast.pdf');
      form.append('loader', JSON.stringify({ name: 'pdfFile', config: { usage: 'perPage' } }));
      form.append('splitter', JSON.stringify({ name: 'recursiveCharacterTextSplitter', config: { chunkSize: 500 } }));
      form.append('embedding', JSON.stringify({ name: 'openAIEmbeddings', config: embedding() }));
      form.append('vectorStore', JSON.stringify({ name: 'faiss', config: { topK: 1 } }));
      form.append('metadata', JSON.stringify({ collection: 'coast' }));
      const pdf = await fetch(`${h.url}${base}/upsert/${storeId}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      const pdfResult = (await pdf.json()) as { numAdded: number; docId: string; addedDocs: SourceDoc[] };
      expect(pdf.status, JSON.stringify(pdfResult)).toBe(200);
      expect(pdfResult).toMatchObject({ numAdded: 2, numDeleted: 0, docId: expect.any(String) });
      expect(pdfResult.addedDocs.map((d: SourceDoc) => d.pageContent)).toEqual(PDF_PAGES);
      expect(pdfResult.addedDocs[0]!.metadata).toMatchObject({ collection: 'coast', docId: pdfResult.docId });

      // The second file reuses the store's embeddings and vector store settings.
      const text = await h.admin.post(`${base}/upsert/${storeId}`, {
        loader: { name: 'plainText', config: { text: BAKERY } },
        metadata: { collection: 'town' },
      });
      expect(text.status, text.text).toBe(200);
      expect(text.body).toMatchObject({ numAdded: 1, numSkipped: 2 });

      const lighthouse = await ask(storeId, 'Who lights the lamp at the lighthouse?');
      expect(lighthouse.sourceDocuments).toEqual([{ pageContent: PDF_PAGES[0], metadata: expect.objectContaining({ collection: 'coast', source: 'coast.pdf' }) }]);
      const bakery = await ask(storeId, 'When does the bakery open every morning?');
      expect(bakery.sourceDocuments).toEqual([{ pageContent: BAKERY, metadata: expect.objectContaining({ collection: 'town' }) }]);

      // Replacing a loader's text replaces its vectors; a refresh finds nothing to change.
      const replaced = await h.admin.post(`${base}/upsert/${storeId}`, { docId: text.body.docId, replaceExisting: true, loader: { config: { text: GARAGE } } });
      expect(replaced.body).toMatchObject({ numAdded: 1, numDeleted: 1, docId: text.body.docId });
      const refreshed = await h.admin.post(`${base}/refresh/${storeId}`, {});
      expect(refreshed.status, refreshed.text).toBe(200);
      expect(refreshed.body).toHaveLength(2);
      expect(refreshed.body.map((r: { numAdded: number }) => r.numAdded)).toEqual([0, 0]);
      expect((await h.admin.get(`${base}/store/${storeId}`)).body).toMatchObject({ status: 'UPSERTED', totalChunks: 3 });
    });

    it('refuses upserts it cannot do, naming what is missing', async () => {
      const storeId = (await h.admin.post(`${base}/store`, { name: 'Empty' })).body.id as string;
      expect((await h.admin.post(`${base}/upsert/no-such-store`, { loader: { name: 'plainText' } })).status).toBe(404);
      const noLoader = await h.admin.post(`${base}/upsert/${storeId}`, {});
      expect(noLoader.status).toBe(400);
      expect(noLoader.body.message).toMatch(/Loader not configured/);
      const noEmbedding = await h.admin.post(`${base}/upsert/${storeId}`, { loader: { name: 'plainText', config: { text: 'x' } }, vectorStore: { name: 'faiss' } });
      expect(noEmbedding.body.message).toMatch(/Embedding not configured/);
      const unknownLoader = await h.admin.post(`${base}/upsert/${storeId}`, {
        loader: { name: 'notALoader' },
        vectorStore: { name: 'faiss' },
        embedding: { name: 'openAIEmbeddings', config: embedding() },
      });
      expect(unknownLoader.status).toBe(400);
      expect(unknownLoader.body.message).toMatch(/"notALoader" is not a node/);
      const form = new FormData();
      form.append('files', new Blob(['MZ'], { type: 'application/x-msdownload' }), 'tool.exe');
      form.append('loader', JSON.stringify({ name: 'textFile' }));
      const badFile = await fetch(`${h.url}${base}/upsert/${storeId}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      expect(badFile.status).toBe(415);
      expect(((await badFile.json()) as { message: string }).message).toMatch(/"tool\.exe"/);
      expect(await h.repos.uploads.list({ chatflowId: storeId })).toEqual([]);
      expect((await h.admin.get(`${base}/store/${storeId}`)).body.loaders).toHaveLength(0);

      // A file the loader has no input for would be dropped silently: 400 naming it.
      const wrongLoader = new FormData();
      wrongLoader.append('files', new Blob([makePdf(['x'])], { type: 'application/pdf' }), 'a.pdf');
      wrongLoader.append('loader', JSON.stringify({ name: 'textFile' }));
      wrongLoader.append('embedding', JSON.stringify({ name: 'openAIEmbeddings', config: embedding() }));
      wrongLoader.append('vectorStore', JSON.stringify({ name: 'faiss' }));
      const dropped = await fetch(`${h.url}${base}/upsert/${storeId}`, { method: 'POST', body: wrongLoader, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      expect(dropped.status).toBe(400);
      expect(((await dropped.json()) as { message: string }).message).toMatch(/"a\.pdf".*"pdfFile", which the loader "textFile" does not have \(it takes txtFile\)/);
      expect(await h.repos.uploads.list({ chatflowId: storeId })).toEqual([]);

      // All or nothing: no store is created for a refused upsert, and a failed job leaves no loader or file behind.
      const storesBefore = (await h.admin.get(`${base}/store`)).body.length as number;
      const noLoaderNew = await h.admin.post(`${base}/upsert/${storeId}`, { createNewDocStore: true, docStore: { name: 'Never' } });
      expect(noLoaderNew.status).toBe(400);
      expect((await h.admin.get(`${base}/store`)).body).toHaveLength(storesBefore);
      const failing = await h.admin.post(`${base}/upsert/${storeId}`, {
        loader: { name: 'plainText', config: { text: 'Some text to embed.' } },
        embedding: { name: 'openAIEmbeddings', config: { ...embedding(), modelName: 'fake-embed;error=401' } },
        vectorStore: { name: 'faiss' },
      });
      expect(failing.status).toBe(502);
      const after = (await h.admin.get(`${base}/store/${storeId}`)).body;
      expect(after.loaders).toHaveLength(0);
      expect(after.embeddingConfig ?? null).toBeNull();
    });
  });
}
