import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../fixtures/documents.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { FILE_OVERRIDES, postFiles, textAndPdfFlow } from '../api/retrieval.suite.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { type QueueHarness, fastTakeoverEnv, startQueueHarness } from '../support/queue-harness.js';

const PENGUINS = 'The zoo feeds its penguins herring at noon.';
const BAKERY = 'The bakery opens at seven every morning and sells fresh bread.';

/**
 * The index lives in the database every worker reaches (Flowise's faiss lives on one worker's disk),
 * and a worker killed mid-upsert leaves no duplicate after the retry. On PostgreSQL, as several
 * machines would run it.
 */
describe('upserts across workers (queue mode, PostgreSQL)', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    // Short worker locks: the killed worker's upsert is taken over in seconds, not after the 30 s default.
    h = await startQueueHarness(fastTakeoverEnv(), { workers: 1, database: 'postgres' });
  });
  afterAll(async () => h?.close());

  it('one worker upserts a PDF and a text file; another answers from the index, citing them', async () => {
    const id = await createFlow(h, (credential) => textAndPdfFlow(h, credential), { apiConfig: FILE_OVERRIDES });
    const upserter = h.workers[0]!;
    const upsert = await postFiles(h, `/api/v1/vector/upsert/${id}`, [
      { name: 'bakery.txt', type: 'text/plain', data: BAKERY },
      { name: 'zoo.pdf', type: 'application/pdf', data: makePdf([PENGUINS]) },
    ]);
    expect(upsert.status, upsert.text).toBe(200);
    expect(upsert.body.numAdded).toBe(2);
    await upserter.waitFor(/upsert done/);
    // Only the second worker is left to answer.
    const answerer = await h.addWorker();
    await upserter.stop('SIGTERM');
    const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'What do penguins eat?', chatId: 'other-worker' });
    expect(answer.status).toBe(200);
    expect(answer.body.sourceDocuments).toEqual([{ pageContent: PENGUINS, metadata: expect.objectContaining({ source: 'zoo.pdf' }) }]);
    expect(answerer.output()).not.toMatch(/upsert done/);
    h.workers.splice(h.workers.indexOf(upserter), 1);
  });

  it('a worker SIGKILLed mid-upsert: the retry finishes on another worker and stores every chunk once', async () => {
    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} talks about topic ${i * 7}.`);
    const id = await createFlow(
      h,
      (credential) =>
        ragFlow({
          model: 'fake',
          basepath: h.fake.url,
          embeddingsBasepath: h.fake.url,
          embeddingsModel: 'fake-embed;delay=150',
          embeddingsBatchSize: '1',
          credential,
          chunkSize: 45,
          chunkOverlap: 0,
        }),
      { apiConfig: FILE_OVERRIDES },
    );
    const embedCalls = () => h.fake.requests.filter((r) => r.path.endsWith('/embeddings') && JSON.stringify(r.body).includes('Sentence number')).length;
    h.fake.reset();
    const started = await postFiles(h, `/api/v1/vector/upsert/${id}?async=true`, [{ name: 'many.txt', type: 'text/plain', data: sentences.join(' ') }]);
    expect(started.status).toBe(202);
    const victim = h.workers.at(-1)!;
    await eventually(() => embedCalls() >= 3 || undefined, 20000, 'some embeddings');
    await victim.stop('SIGKILL');
    h.workers.splice(h.workers.indexOf(victim), 1);
    const before = embedCalls();
    await h.addWorker();
    const job = await eventually(async () => {
      const view = (await h.admin.get(`/api/v1/vector/upsert-jobs/${started.body.id}?addedDocs=true`)).body;
      return view.status === 'completed' || view.status === 'failed' ? view : undefined;
    }, 60000, 'the retried upsert');
    expect(job).toMatchObject({ status: 'completed', attempt: 2 });
    const chunks = job.result.addedDocs.length as number;
    expect(chunks).toBe(12);
    expect(job.result.numAdded).toBe(chunks);
    expect(await h.repos.vectors.count(`faiss:${id}:faiss_0`)).toBe(chunks);
    // What the killed worker had embedded came from the cache: the retry asked only for the rest.
    expect(embedCalls() - before).toBeLessThan(chunks);
    const again = await postFiles(h, `/api/v1/vector/upsert/${id}`, [{ name: 'many.txt', type: 'text/plain', data: sentences.join(' ') }]);
    expect(again.body).toMatchObject({ numAdded: 0, numSkipped: chunks });
    expect(await h.repos.vectors.count(`faiss:${id}:faiss_0`)).toBe(chunks);
  });
});
