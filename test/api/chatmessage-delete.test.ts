import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';
import { createTestDatabase } from '../support/test-postgres.js';

/** DELETE /api/v1/chatmessage/:chatflowId?chatId= (the messages viewer's "Delete session"), both dialects. */
describe.each([
  ['sqlite', () => startMainHarness()],
  ['postgres', async () => startMainHarness({ DATABASE_TYPE: 'postgres', DATABASE_URL: await createTestDatabase('msgdel') })],
] as const)('deleting a conversation on %s', (_dialect, start) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(async () => h?.close());

  it("deletes that chat's messages and feedback, and nothing of the other chats", async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake', basepath: h.fake.url, credential }));
    const rate = async (chatId: string, rating: string) => {
      const answer = await h.admin.post(`/api/v1/prediction/${id}`, { question: `hello from ${chatId}`, chatId });
      const feedback = await h.admin.post(`/api/v1/feedback/${id}`, { chatId, messageId: answer.body.chatMessageId, rating, content: 'noted' });
      expect(feedback.status, feedback.text).toBe(200);
    };
    await rate('gone', 'THUMBS_DOWN');
    await rate('kept', 'THUMBS_UP');

    const deleted = await h.admin.delete(`/api/v1/chatmessage/${id}?chatId=gone`);
    expect(deleted.body).toEqual({ affected: 2 });
    expect((await h.admin.get(`/api/v1/chatmessage/${id}?chatId=gone`)).body).toEqual([]);
    const feedback = (await h.admin.get(`/api/v1/feedback/${id}`)).body as Array<{ chatId: string; rating: string }>;
    expect(feedback.map((f) => [f.chatId, f.rating])).toEqual([['kept', 'THUMBS_UP']]);
    const kept = (await h.admin.get(`/api/v1/chatmessage/${id}?chatId=kept&feedback=true`)).body as Array<{ role: string; feedback: unknown }>;
    expect(kept).toHaveLength(2);
    expect(kept.find((m) => m.role === 'apiMessage')!.feedback).toMatchObject({ rating: 'THUMBS_UP', content: 'noted' });
  });
});
