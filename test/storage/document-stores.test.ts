import { describe, expect, it } from 'vitest';
import { bothDialects, migratedDatabase } from '../support/test-databases.js';

const dialects = bothDialects('ds');

describe.each(dialects)('document stores on %s', (_name, makeConfig) => {
  const db = migratedDatabase(makeConfig);

  it('creates stores EMPTY, lists newest first, and reads JSON columns back parsed', async () => {
    const first = await db.repos.documentStores.create({ name: 'first' });
    expect(first).toMatchObject({ name: 'first', status: 'EMPTY', loaders: [], whereUsed: [], vectorStoreConfig: null });
    const second = await db.repos.documentStores.create({
      name: 'second',
      description: 'with configs',
      embeddingConfig: { name: 'openAIEmbeddings', config: { modelName: 'm' } },
    });
    // Timestamps have millisecond resolution: the update must come in a later millisecond to sort first.
    const created = Date.parse(second.updatedDate);
    while (Date.now() <= created) await new Promise((resolve) => setImmediate(resolve));
    await db.repos.documentStores.update(first.id, () => ({ description: 'touched' }));
    const { stores, total } = await db.repos.documentStores.list();
    expect(total).toBeGreaterThanOrEqual(2);
    expect(stores[0]!.id).toBe(first.id);
    expect((await db.repos.documentStores.get(second.id))!.embeddingConfig).toEqual({ name: 'openAIEmbeddings', config: { modelName: 'm' } });
    const paged = await db.repos.documentStores.list({ page: 2, limit: 1 });
    expect(paged.stores.map((s) => s.id)).toEqual([second.id]);
  });

  it('changes loaders in one transaction per update, so concurrent updates all land', async () => {
    const store = await db.repos.documentStores.create({ name: 'concurrent' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.repos.documentStores.update(store.id, (current) => ({ loaders: [...current.loaders, { id: `loader-${i}`, loaderId: 'plainText' }] })),
      ),
    );
    const loaders = (await db.repos.documentStores.get(store.id))!.loaders;
    expect(loaders.map((l) => l.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `loader-${i}`).sort());
    expect(await db.repos.documentStores.update('no-such-store', () => ({ name: 'x' }))).toBeUndefined();
  });

  it('replaces, pages, edits and deletes chunks', async () => {
    const store = await db.repos.documentStores.create({ name: 'chunks' });
    const many = Array.from({ length: 1203 }, (_, i) => ({ pageContent: `chunk ${i + 1}\u0000`, metadata: { n: i + 1 } }));
    await db.repos.documentStores.replaceChunks(store.id, 'doc-a', many);
    await db.repos.documentStores.replaceChunks(store.id, 'doc-a', many.slice(0, 120));
    await db.repos.documentStores.replaceChunks(store.id, 'doc-b', [{ pageContent: 'other', metadata: {} }]);
    const page = await db.repos.documentStores.pageChunks({ storeId: store.id, docId: 'doc-a' }, 3, 50);
    expect(page.count).toBe(120);
    expect(page.chunks.map((c) => c.chunkNo)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    expect(page.chunks[0]).toMatchObject({ pageContent: 'chunk 101', metadata: { n: 101 }, docId: 'doc-a', storeId: store.id });
    expect((await db.repos.documentStores.pageChunks({ storeId: store.id }, 1, 500)).count).toBe(121);

    const chunk = page.chunks[0]!;
    await db.repos.documentStores.updateChunk(chunk.id, 'edited', { edited: true });
    expect(await db.repos.documentStores.getChunk(chunk.id)).toMatchObject({ pageContent: 'edited', metadata: { edited: true } });
    expect((await db.repos.documentStores.findChunkByContent(store.id, 'edited'))!.id).toBe(chunk.id);
    await db.repos.documentStores.deleteChunk(chunk.id);
    expect(await db.repos.documentStores.getChunk(chunk.id)).toBeUndefined();
    await db.repos.documentStores.deleteLoaderChunks('doc-a');
    expect((await db.repos.documentStores.chunksOf(store.id)).map((c) => c.pageContent)).toEqual(['other']);
    expect(await db.repos.documentStores.delete(store.id)).toBe(true);
    expect(await db.repos.documentStores.chunksOf(store.id)).toEqual([]);
    expect(await db.repos.documentStores.delete(store.id)).toBe(false);
  });
});
