import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri } from '../fixtures/documents.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { type ApiHarness, createFlow, spawnMainHarness } from '../support/api-harness.js';
import type { SpawnedProcess } from '../support/processes.js';
import { createTestDatabase } from '../support/test-postgres.js';

/** UPSERT_TIMEOUT is the client's wait running out (the upsert goes on): logged as a warning, not an error. */
describe('upsert timeout logging', () => {
  let h: ApiHarness & { server: SpawnedProcess };
  beforeAll(async () => {
    h = await spawnMainHarness({ UPSERT_TIMEOUT: '300' });
  });
  afterAll(async () => h?.close());

  it('answers 504 UPSERT_TIMEOUT and logs it at warn level', async () => {
    // The embeddings take at least 3 s, ten times the wait, on any machine.
    const id = await createFlow(h, (credential) =>
      ragFlow({ model: 'fake', basepath: h.fake.url, embeddingsBasepath: h.fake.url, embeddingsModel: 'fake-embed;delay=3000', credential, txtFile: dataUri('a.txt', 'text/plain', 'Slow text.') }),
    );
    const response = await h.admin.post(`/api/v1/vector/upsert/${id}`, {});
    expect(response.status).toBe(504);
    expect(response.body.code ?? response.body.error).toBe('UPSERT_TIMEOUT');
    const line = JSON.parse(await h.server.waitFor(/request timed out/)) as { level: number; code: string };
    expect(line).toMatchObject({ level: 40, code: 'UPSERT_TIMEOUT' });
    expect(h.server.output()).not.toMatch(/"level":50[^\n]*UPSERT_TIMEOUT/);
  });
});

/** PostgreSQL without pgvector (Debian's, as in the tests): said at start-up, before any search scans. */
describe('pgvector missing', () => {
  let h: ApiHarness & { server: SpawnedProcess };
  beforeAll(async () => {
    h = await spawnMainHarness({ DATABASE_TYPE: 'postgres', DATABASE_URL: await createTestDatabase('nopgvector') });
  });
  afterAll(async () => h?.close());

  it('is logged once as a warning when the server starts', async () => {
    const line = JSON.parse(await h.server.waitFor(/pgvector is not installed/)) as { level: number };
    expect(line.level).toBe(40);
    expect(h.server.output().split('pgvector is not installed').length - 1).toBe(1);
  });
});
