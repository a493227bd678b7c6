import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri, makePdf } from '../fixtures/documents.js';
import { loaderNode, ragFlow } from '../fixtures/rag-flows.js';
import { llmChainFlow, node } from '../fixtures/chatflows.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';

const BAKERY = 'The bakery opens at seven every morning and sells fresh bread.';
const GARAGE = 'The garage repairs cars and trucks on weekdays only.';
const ZOO = 'The zoo feeds its penguins herring at noon.';

/** Overrides on for the loaders' file inputs (Flowise applies uploaded files as overrides, #3897). */
export const FILE_OVERRIDES = JSON.stringify({
  overrideConfig: {
    status: true,
    nodes: { 'Text File': [{ name: 'txtFile', enabled: true }], 'Pdf File': [{ name: 'pdfFile', enabled: true }] },
  },
});

/** A text file and a PDF, as a user uploads them to a chatflow (multipart `files`). */
export async function postFiles(h: ApiHarness, path: string, files: Array<{ name: string; type: string; data: Buffer | string }>, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) form.append('files', new Blob([file.data], { type: file.type }), file.name);
  const response = await fetch(h.url + path, { method: 'POST', body: form, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
  const text = await response.text();
  return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** The export shape plus a pdfFile loader on the same faiss store. */
export function textAndPdfFlow(h: ApiHarness, credential: string) {
  const flow = ragFlow({
    model: 'fake',
    basepath: h.fake.url,
    embeddingsBasepath: h.fake.url,
    credential,
    topK: '1',
    extraLoaders: [{ id: 'pdfFile_0', node: loaderNode('pdfFile', 'pdfFile_0', { usage: 'perPage', textSplitter: '', metadata: '' }) }],
  });
  return flow;
}

/** Upserts (multipart, JSON, asynchronous), predictions citing sources, and upsert history. */
export function retrievalSuite(factory: HarnessFactory): void {
  describe('retrieval and upserts', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    it('a Flowise "Conversational Retrieval QA Chain" export upserts a text file and a PDF, then answers citing them', async () => {
      const id = await createFlow(h, (credential) => textAndPdfFlow(h, credential), { apiConfig: FILE_OVERRIDES });
      const upsert = await postFiles(h, `/api/v1/vector/upsert/${id}`, [
        { name: 'bakery.txt', type: 'text/plain', data: `${BAKERY}\n\n${GARAGE}` },
        { name: 'zoo.pdf', type: 'application/pdf', data: makePdf([ZOO]) },
      ]);
      expect(upsert.status, upsert.text).toBe(200);
      expect(upsert.body).toMatchObject({ numAdded: 2, numDeleted: 0, numUpdated: 0, numSkipped: 0 });
      expect(upsert.body.addedDocs.map((d: { metadata: { source: string } }) => d.metadata.source).sort()).toEqual(['bakery.txt', 'zoo.pdf']);

      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'What do the penguins eat at noon?', chatId: 'rag-1' });
      expect(answer.status).toBe(200);
      expect(answer.body.sourceDocuments).toEqual([{ pageContent: ZOO, metadata: expect.objectContaining({ source: 'zoo.pdf', loc: { pageNumber: 1 } }) }]);

      const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'When does the bakery open?', chatId: 'rag-2', streaming: true });
      const names = stream.events.map((e) => e.event);
      const at = names.indexOf('sourceDocuments');
      expect(at).toBeGreaterThan(names.lastIndexOf('token'));
      expect(names.slice(at + 1)).toEqual(['metadata', 'end']);
      expect(stream.events[at]!.data).toEqual([{ pageContent: `${BAKERY}\n\n${GARAGE}`, metadata: expect.objectContaining({ source: 'bakery.txt' }) }]);

      const messages = (await h.admin.get(`/api/v1/chatmessage/${id}?chatId=rag-2`)).body as Array<{ role: string; sourceDocuments?: unknown }>;
      expect(messages.find((m) => m.role === 'apiMessage')!.sourceDocuments).toEqual(stream.events[at]!.data);

      // The same files again: every chunk is known, nothing is duplicated.
      const again = await postFiles(h, `/api/v1/vector/upsert/${id}`, [
        { name: 'bakery.txt', type: 'text/plain', data: `${BAKERY}\n\n${GARAGE}` },
        { name: 'zoo.pdf', type: 'application/pdf', data: makePdf([ZOO]) },
      ]);
      expect(again.body).toMatchObject({ numAdded: 0, numSkipped: 2 });

      // Deleting the chatflow deletes what its upserts and runs left behind.
      const key = `faiss:${id}:faiss_0`;
      expect(await h.repos.vectors.count(key)).toBe(2);
      expect(await h.repos.runs.countForChatflow(id)).toBeGreaterThan(0);
      expect((await h.admin.request('DELETE', `/api/v1/chatflows/${id}`)).status).toBe(200);
      expect(await h.repos.vectors.describe(key)).toBeUndefined();
      expect(await h.repos.vectors.count(key)).toBe(0);
      expect(await h.repos.upserts.history(id, { order: 'ASC' })).toEqual([]);
      expect(await h.repos.runs.countForChatflow(id)).toBe(0);
    });

    it('the template\'s unconfigured documentStore_0 (empty selectedStore) gives no documents, and the upsert goes on', async () => {
      const emptyStore = node(
        { id: 'documentStore_0', name: 'documentStore', label: 'Document Store', type: 'Document', category: 'Document Loaders', version: 1, baseClasses: ['Document'], inputs: { selectedStore: '' }, outputs: { output: 'document' } },
        300,
      );
      const id = await createFlow(
        h,
        (credential) => ragFlow({ model: 'fake', basepath: h.fake.url, embeddingsBasepath: h.fake.url, credential, topK: '1', extraLoaders: [{ id: 'documentStore_0', node: emptyStore }] }),
        { apiConfig: FILE_OVERRIDES },
      );
      const upsert = await postFiles(h, `/api/v1/vector/upsert/${id}`, [{ name: 'zoo.txt', type: 'text/plain', data: ZOO }]);
      expect(upsert.status, upsert.text).toBe(200);
      expect(upsert.body).toMatchObject({ numAdded: 1 });
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'What do the penguins eat at noon?' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.sourceDocuments).toEqual([{ pageContent: ZOO, metadata: expect.objectContaining({ source: 'zoo.txt' }) }]);
    });

    it('JSON upserts with overrideConfig, the asynchronous form, and the upsert history', async () => {
      const id = await createFlow(h, (credential) => textAndPdfFlow(h, credential), { apiConfig: FILE_OVERRIDES });
      const body = { overrideConfig: { txtFile: dataUri('garage.txt', 'text/plain', GARAGE) }, stopNodeId: 'faiss_0' };
      const started = await h.admin.post(`/api/v1/vector/upsert/${id}?async=true`, body);
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe(`/api/v1/vector/upsert-jobs/${started.body.id}`);
      const done = await eventually(async () => {
        const job = (await h.admin.get(`/api/v1/vector/upsert-jobs/${started.body.id}`)).body;
        if (job.status === 'failed') throw new Error(`upsert failed: ${job.error}`);
        return job.status === 'completed' ? job : undefined;
      }, 30000, 'upsert job');
      // A poll answers the counts; the documents (megabytes for a large upsert) only when asked for.
      expect(done.result).toEqual({ numAdded: 1, numDeleted: 0, numUpdated: 0, numSkipped: 0 });
      const full = await h.admin.get(`/api/v1/vector/upsert-jobs/${started.body.id}?addedDocs=true`);
      expect(full.body.result).toMatchObject({ numAdded: 1, addedDocs: [{ pageContent: GARAGE, metadata: expect.objectContaining({ source: 'garage.txt' }) }] });

      const history = await h.admin.get(`/api/v1/upsert-history/${id}?order=DESC`);
      expect(history.body).toHaveLength(1);
      expect(history.body[0].result).toEqual({ numAdded: 1, numDeleted: 0, numUpdated: 0, numSkipped: 0 });
      const textNode = history.body[0].flowData.find((n: { id: string }) => n.id === 'textFile_0');
      expect(textNode.paramValues).toContainEqual({ label: 'Txt File', name: 'txtFile', type: 'file', value: 'garage.txt' });

      // A date alone is that whole day (UTC), as for chat messages.
      const today = history.body[0].date.slice(0, 10) as string;
      expect((await h.admin.get(`/api/v1/upsert-history/${id}?startDate=${today}&endDate=${today}`)).body).toHaveLength(1);
      expect((await h.admin.get(`/api/v1/upsert-history/${id}?endDate=2000-01-01`)).body).toEqual([]);
      expect((await h.admin.get(`/api/v1/upsert-history/${id}?startDate=yesterday`)).status).toBe(400);
      expect((await h.admin.request('PATCH', '/api/v1/upsert-history', { body: { ids: [] } })).status).toBe(400);
      expect((await h.admin.request('PATCH', '/api/v1/upsert-history', { body: { ids: ['nope'] } })).status).toBe(404);
      expect((await h.admin.request('PATCH', '/api/v1/upsert-history', { body: { ids: [history.body[0].id] } })).status).toBe(200);
      expect((await h.admin.get(`/api/v1/upsert-history/${id}`)).body).toEqual([]);
    });

    it('refuses what cannot work, naming the problem', async () => {
      const locked = await createFlow(h, (credential) => textAndPdfFlow(h, credential));
      // A file whose loader input is not enabled for override would be ignored (Flowise #3897): 400 instead.
      const ignored = await postFiles(h, `/api/v1/vector/upsert/${locked}`, [{ name: 'a.txt', type: 'text/plain', data: 'x' }]);
      expect(ignored.status).toBe(400);
      expect(ignored.body.message).toMatch(/"txtFile".*not enable/);
      // A file no loader of the chatflow takes: said so, not "not enabled for override".
      const textOnly = await createFlow(h, (credential) => ragFlow({ model: 'fake', basepath: h.fake.url, embeddingsBasepath: h.fake.url, credential }), { apiConfig: FILE_OVERRIDES });
      const noLoader = await postFiles(h, `/api/v1/vector/upsert/${textOnly}`, [{ name: 'a.pdf', type: 'application/pdf', data: makePdf(['x']) }]);
      expect(noLoader.status).toBe(400);
      expect(noLoader.body.message).toMatch(/"a\.pdf".*"pdfFile", but no node of this chatflow has it.*its loaders take txtFile/);
      // The embeddings provider refusing the key is the provider's failure (502 LLM_ERROR), not a bad flow.
      const refusedKey = (store: 'faiss' | 'memoryVectorStore') => (credential: string) =>
        ragFlow({ model: 'fake', basepath: h.fake.url, embeddingsBasepath: h.fake.url, embeddingsModel: 'fake-embed;error=401', credential, store, txtFile: dataUri('a.txt', 'text/plain', BAKERY) });
      const badEmbeddings = await h.admin.post(`/api/v1/vector/upsert/${await createFlow(h, refusedKey('faiss'))}`, {});
      expect(badEmbeddings.status).toBe(502);
      expect(badEmbeddings.body.message).toMatch(/openAIEmbeddings_0.*embeddings call failed: 401/);
      const badQuestion = await h.anon.post(`/api/v1/prediction/${await createFlow(h, refusedKey('memoryVectorStore'))}`, { question: 'bakery?' });
      expect(badQuestion.status).toBe(502);
      expect(badQuestion.body.message).toMatch(/embeddings call failed: 401/);
      expect((await h.anon.post(`/api/v1/vector/upsert/${locked}`, {})).status).toBe(401);
      // Files that were given but hold no text: the message says what is wrong with each.
      const open = await createFlow(h, (credential) => textAndPdfFlow(h, credential), { apiConfig: FILE_OVERRIDES });
      const empty = await postFiles(h, `/api/v1/vector/upsert/${open}`, [
        { name: 'empty.txt', type: 'text/plain', data: '' },
        { name: 'scan.pdf', type: 'application/pdf', data: makePdf(['']) },
      ]);
      expect(empty.status).toBe(400);
      expect(empty.body.message).toMatch(/no documents to upsert; the files gave no text: .*empty\.txt is empty/);
      expect(empty.body.message).toMatch(/scan\.pdf has no text layer \(1 page/);
      const noFile = await h.admin.post(`/api/v1/vector/upsert/${locked}`, {});
      expect(noFile.status).toBe(400);
      expect(noFile.body.message).toMatch(/faiss_0.*no documents to upsert/);
      const badStop = await h.admin.post(`/api/v1/vector/upsert/${locked}`, { stopNodeId: 'chatOpenAI_0' });
      expect(badStop.status).toBe(400);
      expect(badStop.body.message).toMatch(/chatOpenAI_0.*not a vector store/);
      expect((await h.admin.post('/api/v1/vector/upsert/does-not-exist', {})).status).toBe(404);
      const plain = await createFlow(h, (credential) => llmChainFlow({ model: 'fake', basepath: h.fake.url, credential }));
      const none = await h.admin.post(`/api/v1/vector/upsert/${plain}`, {});
      expect(none.status).toBe(400);
      expect(none.body.message).toMatch(/No vector node/);
    });
  });
}

