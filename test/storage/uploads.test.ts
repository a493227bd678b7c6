import { describe, expect, it } from 'vitest';
import { DatabaseFileStore } from '../../src/runner/database-file-store.js';
import { bothDialects, migratedDatabase } from '../support/test-databases.js';

const dialects = bothDialects('up');

/** Every byte value, so a text column or an encoding step anywhere would show. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe.each(dialects)('uploads on %s', (_name, makeConfig) => {
  const db = migratedDatabase(makeConfig);

  it('stores bytes unchanged and reads them back', async () => {
    const info = await db.repos.uploads.put({ chatflowId: 'flow-bytes' }, { name: 'all.bin.png', mime: 'image/png', data: ALL_BYTES });
    expect(info).toMatchObject({ chatflowId: 'flow-bytes', chatId: null, name: 'all.bin.png', mime: 'image/png', size: 256 });
    const file = await db.repos.uploads.get({ chatflowId: 'flow-bytes' }, 'all.bin.png');
    expect(Buffer.isBuffer(file!.data)).toBe(true);
    expect(file!.data.equals(ALL_BYTES)).toBe(true);
  });

  it('replaces a file of the same name in the same scope, keeping other scopes apart', async () => {
    const scope = { chatflowId: 'flow-replace' };
    const first = await db.repos.uploads.put(scope, { name: 'a.txt', mime: 'text/plain', data: Buffer.from('one') });
    const second = await db.repos.uploads.put(scope, { name: 'a.txt', mime: 'text/plain', data: Buffer.from('second') });
    expect(second.id).toBe(first.id);
    expect(second.size).toBe(6);
    await db.repos.uploads.put({ chatflowId: 'flow-replace', chatId: 'c1' }, { name: 'a.txt', mime: 'text/plain', data: Buffer.from('chat') });
    await db.repos.uploads.put({ chatflowId: 'flow-replace', chatId: 'c1' }, { name: 'a.txt', mime: 'text/plain', data: Buffer.from('chat 2') });
    await db.repos.uploads.put({ chatflowId: 'flow-other' }, { name: 'a.txt', mime: 'text/plain', data: Buffer.from('other') });
    const all = await db.repos.uploads.list({ chatflowId: 'flow-replace' });
    expect(all.map((u) => [u.chatId, u.size])).toEqual([
      [null, 6],
      ['c1', 6],
    ]);
    expect((await db.repos.uploads.get(scope, 'a.txt'))!.data.toString()).toBe('second');
  });

  it('stores concurrent uploads of one name as one file', async () => {
    const scope = { chatflowId: 'flow-race', chatId: 'chat' };
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => db.repos.uploads.put(scope, { name: 'same.txt', mime: 'text/plain', data: Buffer.from(`v${i}`) })),
    );
    expect(await db.repos.uploads.list(scope)).toHaveLength(1);
  });

  it('lets a chat read its own files and the chatflow files, preferring its own', async () => {
    await db.repos.uploads.put({ chatflowId: 'flow-scope' }, { name: 'shared.txt', mime: 'text/plain', data: Buffer.from('flow') });
    await db.repos.uploads.put({ chatflowId: 'flow-scope' }, { name: 'both.txt', mime: 'text/plain', data: Buffer.from('flow both') });
    await db.repos.uploads.put({ chatflowId: 'flow-scope', chatId: 'A' }, { name: 'both.txt', mime: 'text/plain', data: Buffer.from('A both') });
    await db.repos.uploads.put({ chatflowId: 'flow-scope', chatId: 'B' }, { name: 'b.txt', mime: 'text/plain', data: Buffer.from('B') });

    const store = new DatabaseFileStore(db.repos.uploads);
    const forA = await store.load({ chatflowId: 'flow-scope', chatId: 'A' }, ['both.txt', 'shared.txt']);
    expect(forA.map((f) => [f.name, f.data.toString()])).toEqual([
      ['both.txt', 'A both'],
      ['shared.txt', 'flow'],
    ]);
    const forFlow = await store.load({ chatflowId: 'flow-scope' }, ['both.txt']);
    expect(forFlow[0]!.data.toString()).toBe('flow both');
    // Another chat's file is not visible, and the error names the file.
    await expect(store.load({ chatflowId: 'flow-scope', chatId: 'A' }, ['b.txt'])).rejects.toThrow(/"b\.txt" not found/);
    await expect(store.load({ chatflowId: 'flow-scope' }, ['b.txt'])).rejects.toMatchObject({ status: 400 });
  });

  it('deletes named files of a scope and every file of an owner', async () => {
    await db.repos.uploads.put({ chatflowId: 'flow-del' }, { name: 'x.txt', mime: 'text/plain', data: Buffer.from('x') });
    await db.repos.uploads.put({ chatflowId: 'flow-del', chatId: 'c' }, { name: 'x.txt', mime: 'text/plain', data: Buffer.from('y') });
    expect(await db.repos.uploads.delete({ chatflowId: 'flow-del' }, ['x.txt'])).toBe(1);
    expect(await db.repos.uploads.list({ chatflowId: 'flow-del' })).toHaveLength(1);
    await db.repos.uploads.put({ chatflowId: 'flow-del' }, { name: 'z.txt', mime: 'text/plain', data: Buffer.from('z') });
    expect(await db.repos.uploads.deleteOwner('flow-del')).toBe(2);
    expect(await db.repos.uploads.list({ chatflowId: 'flow-del' })).toEqual([]);
  });
});
