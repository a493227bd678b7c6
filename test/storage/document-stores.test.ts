import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { type Repositories, createRepositories } from '../../src/storage/repositories.js';
import { bothDialects } from '../support/test-databases.js';
import { testLogger } from '../support/test-logger.js';

const dialects = bothDialects('ds');

describe.each(dialects)('document stores on %s', (_name, makeConfig) => {
  let database: Database;
  let repos: Repositories;

  beforeAll(async () => {
    database = await openDatabase(await makeConfig(), testLogger);
    await database.migrate();
    repos = createRepositories(database.db, database.dialect);
  });
  afterAll(async () => database.close());

  it('creates stores EMPTY, lists newest first, and reads JSON columns back parsed', async () => {
    const first = await repos.documentStores.create({ name: 'first' });
    expect(first).toMatchObject({ name: 'first', status: 'EMPTY', loaders: [], whereUsed: [], vectorStoreConfig: null });
    const second = await repos.documentStores.create({
      name: 'second',
      description: 'with configs',
      embeddingConfig: { name: 'openAIEmbeddings', config: { modelName: 'm' } },
    });
    // Timestamps have millisecond resolution: the update must come in a later millisecond to sort first.
    const created = Date.parse(second.updatedDate);
    while (Date.now() <= created) await new Promise((resolve) => setImmediate(resolve));
    await repos.documentStores.update(first.id, () => ({ description: 'touched' }));
    const { stores, total } = await repos.documentStores.list();
    expect(total).toBeGreaterThanOrEqual(2);
    expect(stores[0]!.id).toBe(first.id);
    expect((await repos.documentStores.get(second.id))!.embeddingConfig).toEqual({ name: 'openAIEmbeddings', config: { modelName: 'm' } });
    const paged = await repos.documentStores.list({ page: 2, limit: 1 });
    expect(paged.stores.map((s) => s.id)).toEqual([second.id]);
  });

  it('changes loaders in one transaction per update, so concurrent updates all land', async () => {
    const store = await repos.documentStores.create({ name: 'concurrent' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repos.documentStores.update(store.id, (current) => ({ loaders: [...current.loaders, { id: `loader-${i}`, loaderId: 'plainText' }] })),
      ),
    );
    const loaders = (await repos.documentStores.get(store.id))!.loaders;
    expect(loaders.map((l) => l.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `loader-${i}`).sort());
    expect(await repos.documentStores.update('no-such-store', () => ({ name: 'x' }))).toBeUndefined();
  });

  it('replaces, pages, edits and deletes chunks', async () => {
    const store = await repos.documentStores.create({ name: 'chunks' });
    const many = Array.from({ length: 1203 }, (_, i) => ({ pageContent: `chunk ${i + 1}\u0000`, metadata: { n: i + 1 } }));
    await repos.documentStores.replaceChunks(store.id, 'doc-a', many);
    await repos.documentStores.replaceChunks(store.id, 'doc-a', many.slice(0, 120));
    await repos.documentStores.replaceChunks(store.id, 'doc-b', [{ pageContent: 'other', metadata: {} }]);
    const page = await repos.documentStores.pageChunks({ storeId: store.id, docId: 'doc-a' }, 3, 50);
    expect(page.count).toBe(120);
    expect(page.chunks.map((c) => c.chunkNo)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    expect(page.chunks[0]).toMatchObject({ pageContent: 'chunk 101', metadata: { n: 101 }, docId: 'doc-a', storeId: store.id });
    expect((await repos.documentStores.pageChunks({ storeId: store.id }, 1, 500)).count).toBe(121);

    const chunk = page.chunks[0]!;
    await repos.documentStores.updateChunk(chunk.id, 'edited', { edited: true });
    expect(await repos.documentStores.getChunk(chunk.id)).toMatchObject({ pageContent: 'edited', metadata: { edited: true } });
    expect((await repos.documentStores.findChunkByContent(store.id, 'edited'))!.id).toBe(chunk.id);
    await repos.documentStores.deleteChunk(chunk.id);
    expect(await repos.documentStores.getChunk(chunk.id)).toBeUndefined();
    await repos.documentStores.deleteLoaderChunks('doc-a');
    expect((await repos.documentStores.chunksOf(store.id)).map((c) => c.pageContent)).toEqual(['other']);
    expect(await repos.documentStores.delete(store.id)).toBe(true);
    expect(await repos.documentStores.chunksOf(store.id)).toEqual([]);
    expect(await repos.documentStores.delete(store.id)).toBe(false);
  });
});
