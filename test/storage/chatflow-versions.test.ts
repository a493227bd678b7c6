import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatflowVersions } from '../../src/runner/chatflow-versions.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { type Repositories, createRepositories } from '../../src/storage/repositories.js';
import type { ChatFlowFields } from '../../src/storage/repositories/chatflow-repository.js';
import { bothDialects } from '../support/test-databases.js';
import { testLogger } from '../support/test-logger.js';

const flowData = (label: string) => JSON.stringify({ nodes: [{ id: label }], edges: [] });
const fields = (label: string): ChatFlowFields => ({
  name: label,
  flowData: flowData(label),
  deployed: null,
  isPublic: null,
  apikeyid: null,
  chatbotConfig: null,
  apiConfig: null,
  analytic: null,
  speechToText: null,
  followUpPrompts: null,
  category: null,
  type: 'CHATFLOW',
});

describe.each(bothDialects('versions'))('chatflow versions on %s', (_name, makeConfig) => {
  let database: Database;
  let repos: Repositories;
  let legacyId: string;

  beforeAll(async () => {
    database = await openDatabase(await makeConfig(), testLogger);
    // A chatflow saved before versions existed gets its flowData as version 1 when migration 010 runs.
    await new Migrator({ db: database.db, provider: migrationProvider }).migrateTo('009-reconcile');
    const before = createRepositories(database.db, database.dialect);
    legacyId = (await before.chatflows.create(fields('legacy'))).id;
    await database.migrate();
    repos = createRepositories(database.db, database.dialect);
  });
  afterAll(async () => database?.close());

  it('migration 010 takes existing chatflows as their version 1', async () => {
    expect(await repos.chatflowVersions.list(legacyId)).toEqual([{ n: 1, savedBy: null, savedDate: expect.any(String), message: null, current: true }]);
    expect((await repos.chatflowVersions.get(legacyId, 1))?.flowData).toBe(flowData('legacy'));
  });

  it('gives an executor the flowData of the row counter a run was validated at (main mode and workers alike)', async () => {
    const created = await repos.chatflowVersions.create(fields('A'), { savedBy: 'admin key' });
    await repos.chatflowVersions.save(created.id, { name: 'renamed' }, { savedBy: 'x' }); // counter 2, same flowData
    await repos.chatflowVersions.save(created.id, { flowData: flowData('B') }, { savedBy: 'x' }); // counter 3
    await repos.chatflowVersions.save(created.id, { flowData: flowData('C') }, { savedBy: 'x' }); // counter 4
    const executorView = new ChatflowVersions(repos.chatflows, repos.chatflowVersions);
    const seen = async (version: number | undefined) => (await executorView.get(created.id, version))?.flowData;
    expect(await seen(4)).toBe(flowData('C'));
    expect(await seen(1)).toBe(flowData('A'));
    expect(await seen(2)).toBe(flowData('A'));
    expect(await seen(3)).toBe(flowData('B'));
    expect(await seen(undefined)).toBe(flowData('C'));
    expect((await executorView.get(created.id, 3))?.version).toBe(3);
  });

  it('numbers concurrent saves one after the other', async () => {
    const created = await repos.chatflowVersions.create(fields('start'), { savedBy: 'a' });
    await Promise.all([1, 2, 3, 4, 5].map((i) => repos.chatflowVersions.save(created.id, { flowData: flowData(`s${i}`) }, { savedBy: `saver ${i}` })));
    const list = await repos.chatflowVersions.list(created.id);
    expect(list.map((v) => v.n)).toEqual([6, 5, 4, 3, 2, 1]);
    // The newest version is what the chatflow holds.
    expect((await repos.chatflowVersions.get(created.id, 6))?.flowData).toBe((await repos.chatflows.get(created.id))?.flowData);
  });

  it('a chatflow without versions gets its previous flowData as version 1 on its first save', async () => {
    const bare = await repos.chatflows.create(fields('bare'));
    await repos.chatflowVersions.save(bare.id, { flowData: flowData('after') }, { savedBy: 'deploy bot', message: 'first save' });
    const list = await repos.chatflowVersions.list(bare.id);
    expect(list.map((v) => [v.n, v.savedBy, v.message, v.current])).toEqual([
      [2, 'deploy bot', 'first save', true],
      [1, null, null, false],
    ]);
    expect((await repos.chatflowVersions.get(bare.id, 1))?.flowData).toBe(flowData('bare'));
  });
});
