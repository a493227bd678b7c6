import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, eventually, startMainHarness } from '../support/api-harness.js';
import { PostgresServer } from '../support/postgres-server.js';

/** A database outage is a 503 with a message, never a crash or a hang; the server recovers by itself. */
describe('PostgreSQL outage', () => {
  let postgres: PostgresServer;
  let h: ApiHarness;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
    h = await startMainHarness({ DATABASE_TYPE: 'postgres', DATABASE_URL: postgres.url() });
  });
  afterAll(async () => {
    await h?.close();
    await postgres?.stop();
  });

  it('answers 503 DATABASE_UNAVAILABLE while the database is down, and recovers', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'up' })).status).toBe(200);
    await postgres.pause();

    // A stopped database refuses connections; each request must answer 503 while it is still down
    // (a request waiting for the database to come back would hang, and fail the test).
    for (const response of [
      await h.anon.post(`/api/v1/prediction/${id}`, { question: 'down' }),
      await h.admin.get('/api/v1/chatflows'),
      await h.admin.get('/api/v1/credentials'),
    ]) {
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ statusCode: 503, success: false, code: 'DATABASE_UNAVAILABLE' });
      expect(response.body.message).toMatch(/database is unavailable/i);
    }
    const ready = await h.anon.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toMatch(/^failed/);

    await postgres.resume();
    const back = await eventually(async () => {
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'back' });
      return response.status === 200 ? response : undefined;
    }, 20000);
    expect(back.body.text).toBe('t1 t2');
    expect((await h.anon.get('/readyz')).status).toBe(200);
  });
});
