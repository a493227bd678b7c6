import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow, stringify } from '../../fixtures/chatflows.js';
import { type ApiHarness, startMainHarness } from '../../support/api-harness.js';
import { TEST_BASIC_PASSWORD, TEST_BASIC_USER } from '../../support/test-server.js';

const flow = (template: string) => stringify(llmChainFlow({ model: 'fake', basepath: 'http://127.0.0.1:9', template }));

/** Chatflow versions (issue 8 item 1): kept on every flowData save, listed, read, restored, pruned. */
describe('chatflow versions API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness({ CHATFLOW_VERSIONS_MAX: '2' });
  });
  afterAll(async () => h?.close());

  const create = async (template = 'first {question}') => {
    const created = await h.admin.post('/api/v1/chatflows', { name: 'versioned', flowData: flow(template) });
    expect(created.status).toBe(200);
    return created.body.id as string;
  };

  it('keeps the previous flowData as a numbered version with who saved, when and the message', async () => {
    const id = await create();
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body).toEqual([
      { n: 1, savedBy: 'admin key', savedDate: expect.any(String), message: null, current: true },
    ]);
    const key = await h.admin.post('/api/v1/apikey', { keyName: 'deploy bot' });
    const saved = await h.anon.put(`/api/v1/chatflows/${id}`, { flowData: flow('second {question}'), versionMessage: 'shorter prompt' }, { authorization: `Bearer ${key.body.apiKey}` });
    expect(saved.status).toBe(200);
    // The message is no chatflow field.
    expect(saved.body.versionMessage).toBeUndefined();
    // A save that leaves flowData alone (a rename) makes no version.
    expect((await h.admin.put(`/api/v1/chatflows/${id}`, { name: 'renamed' })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`${TEST_BASIC_USER}:${TEST_BASIC_PASSWORD}`).toString('base64')}`;
    expect((await h.anon.put(`/api/v1/chatflows/${id}`, { flowData: flow('third {question}') }, { authorization: basic })).status).toBe(200);

    const list = await h.admin.get(`/api/v1/chatflows/${id}/versions`);
    expect(list.body.map((v: { n: number; savedBy: string; message: string | null; current: boolean }) => [v.n, v.savedBy, v.message, v.current])).toEqual([
      [3, 'basic auth', null, true],
      [2, 'deploy bot', 'shorter prompt', false],
      [1, 'admin key', null, false],
    ]);
    expect(JSON.stringify(list.body)).not.toContain('flowData');
    expect(Date.parse(list.body[0].savedDate)).toBeGreaterThanOrEqual(Date.parse(list.body[2].savedDate));

    const first = await h.admin.get(`/api/v1/chatflows/${id}/versions/1`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ n: 1, current: false, flowData: flow('first {question}') });
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions/3`)).body).toMatchObject({ current: true, flowData: flow('third {question}') });
  });

  it('restores a version as a new save, honouring If-Match', async () => {
    const id = await create('old {question}');
    const second = await h.admin.put(`/api/v1/chatflows/${id}`, { flowData: flow('new {question}') });
    const stale = await h.admin.post(`/api/v1/chatflows/${id}/versions/1/restore`, undefined, { 'if-match': `"${second.body.version - 1}"` });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('CONFLICT');
    // The ETag is a save counter, not a version number of the list: the message calls it a revision.
    expect(stale.body.message).toBe(
      `Chatflow ${id} was changed since revision ${second.body.version - 1} (now revision ${second.body.version}; the ETag counts every save, not the Versions list): reload it or overwrite`,
    );
    expect(stale.body.message).not.toMatch(/version \d/);
    expect((await h.admin.get(`/api/v1/chatflows/${id}`)).body.flowData).toBe(flow('new {question}'));

    const restored = await h.admin.post(`/api/v1/chatflows/${id}/versions/1/restore`, undefined, { 'if-match': `"${second.body.version}"` });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id, flowData: flow('old {question}'), version: second.body.version + 1 });
    expect(restored.headers.get('etag')).toBe(`"${second.body.version + 1}"`);
    expect((await h.admin.get(`/api/v1/chatflows/${id}`)).body.flowData).toBe(flow('old {question}'));
    const list = (await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body;
    expect(list.map((v: { n: number; message: string | null; current: boolean }) => [v.n, v.message, v.current])).toEqual([
      [3, 'Restored version 1', true],
      [2, null, false],
      [1, null, false],
    ]);
    // A restore may carry its own message.
    const again = await h.admin.post(`/api/v1/chatflows/${id}/versions/2/restore`, { versionMessage: 'back to new' });
    expect(again.body.flowData).toBe(flow('new {question}'));
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body[0]).toMatchObject({ n: 4, message: 'back to new', current: true });
    // Restoring what the chatflow holds already is still a save the user asked for: it is listed.
    await h.admin.post(`/api/v1/chatflows/${id}/versions/2/restore`);
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body[0]).toMatchObject({ n: 5, message: 'Restored version 2', current: true });
  });

  it('keeps the current version and CHATFLOW_VERSIONS_MAX previous ones', async () => {
    const id = await create('v1 {question}');
    for (const n of [2, 3, 4, 5]) expect((await h.admin.put(`/api/v1/chatflows/${id}`, { flowData: flow(`v${n} {question}`) })).status).toBe(200);
    const list = (await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body;
    expect(list.map((v: { n: number }) => v.n)).toEqual([5, 4, 3]);
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions/2`)).body.code).toBe('CHATFLOW_VERSION_NOT_FOUND');
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions/3`)).body.flowData).toBe(flow('v3 {question}'));
  });

  it('answers unknown chatflows and versions with 404, bad numbers and messages with 400, strangers with 401', async () => {
    const id = await create();
    for (const [method, path] of [
      ['GET', '/api/v1/chatflows/nope/versions'],
      ['GET', '/api/v1/chatflows/nope/versions/1'],
      ['POST', '/api/v1/chatflows/nope/versions/1/restore'],
    ] as const) {
      const response = await h.admin.request(method, path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, success: false, message: 'Chatflow nope not found', code: 'CHATFLOW_NOT_FOUND' });
    }
    for (const path of [`/api/v1/chatflows/${id}/versions/7`, `/api/v1/chatflows/${id}/versions/7/restore`]) {
      const response = await h.admin.request(path.endsWith('restore') ? 'POST' : 'GET', path);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'CHATFLOW_VERSION_NOT_FOUND', message: `Chatflow ${id} has no version 7 (never saved, or pruned)` });
    }
    for (const bad of ['0', 'abc', '-1', '1.5', '99999999999']) {
      const response = await h.admin.get(`/api/v1/chatflows/${id}/versions/${bad}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: `Version number must be a positive integer, got "${bad}"` });
    }
    const badMessage = await h.admin.put(`/api/v1/chatflows/${id}`, { flowData: flow('x {question}'), versionMessage: 42 });
    expect(badMessage.status).toBe(400);
    expect(badMessage.body.message).toContain('versionMessage');
    expect((await h.admin.post(`/api/v1/chatflows/${id}/versions/1/restore`, undefined, { 'if-match': 'soon' })).status).toBe(400);
    expect((await h.anon.get(`/api/v1/chatflows/${id}/versions`)).status).toBe(401);
    expect((await h.anon.post(`/api/v1/chatflows/${id}/versions/1/restore`)).status).toBe(401);
  });

  it('deletes the versions with their chatflow', async () => {
    const id = await create();
    await h.admin.put(`/api/v1/chatflows/${id}`, { flowData: flow('changed {question}') });
    expect(await h.repos.chatflowVersions.list(id)).toHaveLength(2);
    expect((await h.admin.delete(`/api/v1/chatflows/${id}`)).status).toBe(200);
    expect(await h.repos.chatflowVersions.list(id)).toEqual([]);
  });
});
