import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { eventually } from '../support/api-harness.js';
import type { ApiClient } from '../support/api-client.js';
import { type RunningServer, testEnv } from '../support/test-server.js';
import { screenshot } from './browser-helpers.js';
import { type SignedInSuite, flowOf, screenshotIfFailed, startSignedIn } from './browser-suite.js';

const BAKERY = 'The bakery opens at seven every morning and sells fresh bread.';
const GARAGE = 'The garage repairs cars and trucks on weekdays only.';

/**
 * Document stores made in the browser, without the API: create a store, add a text file loader with a
 * splitter, preview its chunks, process it, configure (fake) embeddings and the in-app vector store,
 * upsert while watching the server's progress, query; chunks paged, edited and deleted; errors shown.
 */
describe('document stores in a browser', { timeout: 180_000 }, () => {
  let suite: SignedInSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;
  let fake: FakeLlmServer;
  let credentialName: string;
  let dir: string;

  /** Chooses an option by its visible label in the labelled select inside `scope`. */
  const choose = (scope: Locator, label: string, option: string) => scope.getByRole('combobox', { name: label, exact: true }).selectOption({ label: option });

  /** Chooses the fake OpenAI embeddings (model name with the fake's behaviour) and Faiss on the store's page. */
  async function configureVectors(model: string): Promise<Locator> {
    const vectors = page.getByRole('region', { name: 'Embeddings and vector store' });
    await choose(vectors, 'Embeddings', 'OpenAI Embedding');
    const embeddings = vectors.getByRole('group', { name: 'Embeddings' });
    await choose(embeddings, 'Connect Credential', credentialName);
    await embeddings.getByLabel('Model Name').fill(model);
    await embeddings.getByText('Additional parameters').click();
    await embeddings.getByLabel('Base Path').fill(fake.url);
    await choose(vectors, 'Vector store', 'Faiss');
    return vectors;
  }

  /**
   * A store whose insert is running and held at the fake's gate "first" (so it keeps the server's only
   * upsert slot); `ended` resolves when that gate opens and the insert ends.
   */
  async function busyStore(): Promise<{ ended: Promise<void> }> {
    const base = '/api/v1/document-store';
    const credential = ((await admin.get('/api/v1/credentials')).body as Array<{ id: string; name: string }>).find((c) => c.name === credentialName)!.id;
    const storeId = (await admin.post(`${base}/store`, { name: 'Busy' })).body.id as string;
    const loader = { storeId, loaderId: 'plainText', loaderName: 'Plain Text', loaderConfig: { text: 'Held at the gate.' } };
    const saved = await admin.post(`${base}/loader/save`, loader);
    expect((await admin.post(`${base}/loader/process/${saved.body.id}`, { ...loader, id: saved.body.id })).status).toBe(200);
    const vectors = { storeId, embeddingName: 'openAIEmbeddings', embeddingConfig: { modelName: 'fake-embed;gate=first', basepath: fake.url, credential }, vectorStoreName: 'faiss', vectorStoreConfig: {} };
    const accepted = await admin.post(`${base}/vectorstore/insert?async=true`, vectors);
    expect(accepted.status, accepted.text).toBe(202);
    await fake.gates.reached('first');
    // Wrapped: an async function returning a bare promise would make its caller wait for it.
    const ended = eventually(async () => {
      const job = (await admin.get(accepted.body.location)).body as { status: string; error?: string };
      if (job.status === 'failed') throw new Error(`the busy store's insert failed: ${job.error}`);
      return job.status === 'completed' || undefined;
    }, 60_000, "the busy store's insert").then(() => undefined);
    return { ended };
  }

  beforeAll(async () => {
    fake = new FakeLlmServer();
    await fake.start();
    suite = await startSignedIn(testEnv({ UPSERT_CONCURRENCY: '1' }));
    ({ server, page, admin } = suite);
    credentialName = `fake openai ${Date.now()}`;
    expect((await admin.post('/api/v1/credentials', { name: credentialName, credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).status).toBe(200);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docstore-ui-'));
    fs.writeFileSync(path.join(dir, 'town.txt'), `${BAKERY}\n\n${GARAGE}`);
  });
  afterEach((context) => screenshotIfFailed(page, 'docstores', context));
  afterAll(async () => {
    fake?.gates.openAll();
    await suite?.close();
    await fake?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a store, adds a loader with a preview, upserts with progress and answers a query', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Document Stores' }).click();
    await page.getByRole('heading', { name: 'Document Stores' }).waitFor();
    await page.getByRole('button', { name: 'Add New' }).click();
    const create = page.getByRole('dialog', { name: 'Add document store' });
    await create.getByLabel('Store name').fill('Town guide');
    await create.getByLabel('Description').fill('Shops of the town');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name: 'Town guide' }).click();
    await page.getByRole('heading', { name: 'Town guide' }).waitFor();
    const storeId = page.url().split('/').pop()!;

    // A loader: a text file, split by paragraphs into two chunks.
    await page.getByRole('button', { name: 'Add document loader' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add document loader' });
    await choose(dialog, 'Document loader', 'Text File');
    await dialog.getByLabel('Txt File').setInputFiles(path.join(dir, 'town.txt'));
    await dialog.getByRole('list', { name: 'Txt File files' }).getByText('town.txt').waitFor();
    await choose(dialog, 'Text splitter', 'Recursive Character Text Splitter');
    await dialog.getByLabel('Chunk Size').fill('70');
    await dialog.getByLabel('Chunk Overlap').fill('0');
    await dialog.getByRole('button', { name: 'Preview chunks' }).click();
    await dialog.getByText('Showing 2 of 2 chunks').waitFor();
    const previewed = dialog.getByRole('list', { name: 'Preview chunks' }).getByRole('listitem');
    await expect.poll(() => previewed.allInnerTexts()).toEqual([expect.stringContaining(BAKERY), expect.stringContaining(GARAGE)]);
    // The preview saved nothing.
    expect((await admin.get(`/api/v1/document-store/store/${storeId}`)).body.loaders).toEqual([]);
    await dialog.getByRole('button', { name: 'Process' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const loaderRow = page.getByRole('row', { name: /Text File/ });
    await expect.poll(() => loaderRow.innerText()).toMatch(/town\.txt\s+2\s+\d+\s+SYNC/);
    const chunks = page.getByRole('region', { name: 'All chunks' });
    await chunks.getByText(BAKERY).waitFor();
    await chunks.getByText(GARAGE).waitFor();

    // Embeddings (the fake server's, held at a gate so the running upsert can be seen) and the vector store.
    const vectors = await configureVectors('fake-embed;gate=upsert');
    // Another store's upsert holds the server's only upsert slot (UPSERT_CONCURRENCY=1): this one waits.
    const other = await busyStore();
    await vectors.getByRole('button', { name: 'Upsert' }).click();
    const progress = vectors.getByRole('status', { name: 'Upsert progress' });
    await progress.getByText(/^Upsert of 2 chunks queued: it starts when an upsert slot is free: store status SYNC$/).waitFor();
    await progress.getByRole('progressbar', { name: 'Upserting' }).waitFor();
    fake.gates.open('first');
    await other.ended;
    // While the embeddings are held, the server reports the job running and the store UPSERTING.
    await fake.gates.reached('upsert');
    await progress.getByText(/^Upserting 2 chunks \(attempt 1\): store status UPSERTING$/).waitFor();
    fake.gates.open('upsert');
    await progress.getByText('Upsert done: 2 added, 0 updated, 0 skipped, 0 deleted').waitFor();
    await page.getByLabel('Store status').filter({ hasText: 'UPSERTED' }).waitFor();
    const saved = (await admin.get(`/api/v1/document-store/store/${storeId}`)).body;
    expect(saved.embeddingConfig).toEqual({ name: 'openAIEmbeddings', config: expect.objectContaining({ modelName: 'fake-embed;gate=upsert', basepath: fake.url, credential: expect.any(String) }) });
    expect(saved.vectorStoreConfig.name).toBe('faiss');

    // A query retrieves the matching chunk with its score and metadata.
    const query = page.getByRole('region', { name: 'Query' });
    await query.getByLabel('Question').fill('garage repairs trucks');
    await query.getByRole('button', { name: 'Query' }).click();
    const found = query.getByRole('list', { name: 'Retrieved chunks' }).getByRole('listitem').first();
    await found.getByText(GARAGE).waitFor();
    await found.getByText(/score \d\.\d{3}/).waitFor();
    await found.getByText('"source":"town.txt"').waitFor();
    await progress.scrollIntoViewIfNeeded();
    await screenshot(page, 'document-stores');

    // A chatflow that selects the store is listed as using it; the header marks the section.
    const flow = await admin.post('/api/v1/chatflows', { name: 'Town answers', flowData: flowOf([{ id: 'documentStoreVS_0', name: 'documentStoreVS', inputs: { selectedStore: storeId } }]) });
    await page.reload();
    await page.getByRole('link', { name: 'Town answers' }).waitFor();
    expect(await page.getByRole('link', { name: 'Town answers' }).getAttribute('href')).toBe(`/canvas/${flow.body.id}`);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Document Stores' }).getAttribute('aria-current')).toBe('page');
  });

  it('edits and deletes chunks, pages through them, and shows the server errors', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `Line ${i + 1} of the long file.`).join('\n');
    const store = (await admin.post('/api/v1/document-store/store', { name: 'Long file' })).body as { id: string };
    await page.goto(`${server.url}/document-stores/${store.id}`);
    await page.getByRole('button', { name: 'Add document loader' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add document loader' });
    // A loader without its input: the server's refusal is shown in the dialog, which stays open.
    await choose(dialog, 'Document loader', 'Plain Text');
    await dialog.getByRole('button', { name: 'Preview chunks' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/text/);
    await dialog.getByLabel('Text', { exact: true }).fill(text);
    // Each line is one chunk: two lines together are longer than 30 characters.
    await choose(dialog, 'Text splitter', 'Recursive Character Text Splitter');
    await dialog.getByLabel('Chunk Size').fill('30');
    await dialog.getByLabel('Chunk Overlap').fill('0');
    await dialog.getByRole('button', { name: 'Process' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const chunks = page.getByRole('region', { name: 'All chunks' });
    await chunks.getByText('60 chunks').waitFor();
    await chunks.getByText('Page 1 of 2').waitFor();
    expect(await chunks.getByRole('list', { name: 'Chunks' }).getByRole('listitem').count()).toBe(50);
    await chunks.getByRole('button', { name: 'Next' }).click();
    await chunks.getByText('Page 2 of 2').waitFor();
    await chunks.getByText('Line 60 of the long file.').waitFor();
    await chunks.getByRole('button', { name: 'Previous' }).click();

    // In All chunks each chunk says which loader it is from (each loader numbers its chunks from 1).
    await chunks.getByRole('listitem').first().getByText('of Plain Text (None)').waitFor();
    await chunks.getByRole('button', { name: 'Edit chunk 1', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit chunk' });
    // An empty chunk cannot be saved (the server refuses it too).
    await edit.getByLabel('Content').fill('  ');
    await edit.getByText('Content must not be empty').waitFor();
    expect(await edit.getByRole('button', { name: 'Save chunk' }).isDisabled()).toBe(true);
    await edit.getByLabel('Content').fill('Line one, edited.');
    await edit.getByRole('button', { name: 'Save chunk' }).click();
    await chunks.getByText('Line one, edited.').waitFor();
    await chunks.getByRole('button', { name: 'Delete chunk 2', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete chunk' }).getByRole('button', { name: 'Delete' }).click();
    await chunks.getByText('59 chunks').waitFor();
    const stored = (await admin.get(`/api/v1/document-store/chunks/${store.id}/all/1`)).body as { chunks: Array<{ pageContent: string }>; count: number };
    expect(stored.count).toBe(59);
    expect(stored.chunks.map((c) => c.pageContent)).toContain('Line one, edited.');
    expect(stored.chunks.map((c) => c.pageContent)).not.toContain('Line 2 of the long file.');

    // Upserting with embeddings that answer 400: the server's error is shown and the store keeps its chunks.
    const vectors = await configureVectors('fake-embed;error=400');
    await vectors.getByRole('button', { name: 'Upsert' }).click();
    await expect.poll(() => vectors.getByRole('alert').innerText()).toMatch(/400/);
    await vectors.getByRole('status', { name: 'Upsert progress' }).getByText(/Upsert failed: store status SYNC/).waitFor();
    // A query before any upsert names what is missing.
    const query = page.getByRole('region', { name: 'Query' });
    await query.getByLabel('Question').fill('line');
    await query.getByRole('button', { name: 'Query' }).click();
    await expect.poll(() => query.getByRole('alert').innerText()).not.toBe('');
  });

  it('lists a loader whose processing failed as FAILED with the reason once the dialog closes', async () => {
    const store = (await admin.post('/api/v1/document-store/store', { name: 'Refused page' })).body as { id: string };
    await page.goto(`${server.url}/document-stores/${store.id}`);
    await page.getByRole('button', { name: 'Add document loader' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add document loader' });
    await choose(dialog, 'Document loader', 'Cheerio Web Scraper');
    // A loopback address the outbound policy refuses: the loader is saved, then its processing fails.
    await dialog.getByLabel('URL', { exact: true }).fill(`${fake.url}/`);
    await dialog.getByRole('button', { name: 'Process' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/loopback/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /Cheerio Web Scraper/ });
    await expect.poll(() => row.innerText()).toMatch(/FAILED: .*loopback/);
    expect((await admin.get(`/api/v1/document-store/store/${store.id}`)).body.loaders).toEqual([expect.objectContaining({ status: 'FAILED', error: expect.stringMatching(/loopback/) })]);
  });

  it('renames and deletes a store from the list', async () => {
    await admin.post('/api/v1/document-store/store', { name: 'Old name' });
    await page.goto(`${server.url}/document-stores`);
    await page.getByRole('button', { name: 'Rename Old name' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename document store' });
    await rename.getByLabel('Store name').fill('New name');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'New name' }).waitFor();
    // A second store of the same name may be made, but the form says so first.
    await page.getByRole('button', { name: 'Add New' }).click();
    const create = page.getByRole('dialog', { name: 'Add document store' });
    await create.getByLabel('Store name').fill('New name');
    await create.getByRole('status').getByText('Another store is named "New name" already').waitFor();
    await create.getByLabel('Store name').fill('Newer name');
    await create.getByRole('status').waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await create.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete New name' }).click();
    await page.getByRole('dialog', { name: 'Delete document store' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('link', { name: 'New name' }).waitFor({ state: 'detached' });
    const names = ((await admin.get('/api/v1/document-store/store')).body as Array<{ name: string }>).map((s) => s.name);
    expect(names).not.toContain('New name');
  });
});
