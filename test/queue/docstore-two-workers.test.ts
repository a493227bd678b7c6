import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from '../fixtures/chatflows.js';
import { makePdf } from '../fixtures/documents.js';
import { docstoreFlow } from '../fixtures/docstore-flows.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const base = '/api/v1/document-store';
const PDF_PAGES = ['The harbour master opens the lock gates at high tide.', 'Fishing boats unload their catch at dawn on the east quay.'];
const NOTES = 'The lifeboat crew trains every Thursday evening at the slipway.';

/**
 * The done-when, on the document store path: a PDF and a text file uploaded through the API in
 * queue mode are loaded, split and indexed by one worker; that worker then goes away, and a question
 * answered by the other worker cites both documents as sourceDocuments. Nothing was on the server's
 * disk or in the first worker's memory: files, chunks and vectors are in PostgreSQL.
 */
describe('document store filled by one worker, answered by another (queue mode, PostgreSQL)', () => {
  let h: QueueHarness;
  let credential: string;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1, database: 'postgres' });
    credential = (await h.admin.post('/api/v1/credentials', { name: 'fake', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id;
  }, 90000);
  afterAll(async () => h?.close());

  async function upsert(storeId: string, file: { name: string; type: string; data: Buffer | string }, loader: string) {
    const form = new FormData();
    form.append('files', new Blob([file.data], { type: file.type }), file.name);
    form.append('loader', JSON.stringify({ name: loader }));
    form.append('splitter', JSON.stringify({ name: 'recursiveCharacterTextSplitter', config: { chunkSize: 400, chunkOverlap: 0 } }));
    form.append('embedding', JSON.stringify({ name: 'openAIEmbeddings', config: { modelName: 'fake-embed', basepath: h.fake.url, credential } }));
    form.append('vectorStore', JSON.stringify({ name: 'faiss', config: { topK: 1 } }));
    const response = await fetch(`${h.url}${base}/upsert/${storeId}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const body = (await response.json()) as { numAdded: number; docId: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  }

  it('cites the PDF and the text file in answers from the second worker', async () => {
    const [first] = h.workers;
    const storeId = (await h.admin.post(`${base}/store`, { name: 'Harbour' })).body.id as string;
    expect((await upsert(storeId, { name: 'harbour.pdf', type: 'application/pdf', data: makePdf(PDF_PAGES) }, 'pdfFile')).numAdded).toBe(2);
    expect((await upsert(storeId, { name: 'lifeboat.txt', type: 'text/plain', data: NOTES }, 'textFile')).numAdded).toBe(1);
    // The jobs ran on the worker (the upsertion queue), not in the server.
    await first!.waitFor(new RegExp(`document store job done.*${storeId}|${storeId}.*document store job done`));

    const second = await h.addWorker();
    await first!.stop('SIGTERM');
    const chatflow = await h.admin.post('/api/v1/chatflows', {
      name: 'harbour questions',
      flowData: stringify(docstoreFlow({ model: 'fake', basepath: h.fake.url, credential, storeId })),
    });
    const ask = async (question: string) => {
      const response = await h.anon.post(`/api/v1/prediction/${chatflow.body.id}`, { question });
      expect(response.status, response.text).toBe(200);
      return response.body.sourceDocuments as Array<{ pageContent: string; metadata: Record<string, unknown> }>;
    };
    expect(await ask('When does the harbour master open the lock gates?')).toEqual([
      { pageContent: PDF_PAGES[0], metadata: expect.objectContaining({ source: 'harbour.pdf', loc: expect.objectContaining({ pageNumber: 1 }) }) },
    ]);
    expect(await ask('Which evening does the lifeboat crew train?')).toEqual([
      { pageContent: NOTES, metadata: expect.objectContaining({ source: 'lifeboat.txt' }) },
    ]);
    expect(second.child.exitCode).toBeNull();
  });
});
