import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';

/** Query parameters that cannot mean anything are refused with 400 naming them, never answered with []. */
describe('chat message query validation', () => {
  let h: ApiHarness;
  let id: string;
  let chatId: string;
  beforeAll(async () => {
    h = await startMainHarness();
    id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    chatId = (await h.anon.post(`/api/v1/prediction/${id}`, { question: 'keep me' })).body.chatId as string;
  });
  afterAll(async () => h?.close());

  const list = (query: string) => h.admin.get(`/api/v1/chatmessage/${id}?${query}`);

  function expect400(response: { status: number; body: any }, mentions: string[]) {
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, success: false, code: 'VALIDATION_FAILED' });
    for (const word of mentions) expect(response.body.message).toContain(word);
  }

  it('refuses dates, chat types, feedback types and orders it cannot read, naming the parameter', async () => {
    expect400(await list('startDate=notadate'), ['startDate', 'must be a date']);
    expect400(await list('endDate=2024-13-45'), ['endDate', 'must be a date']);
    expect400(await list('chatType=ALIEN'), ['chatType', 'INTERNAL or EXTERNAL', '"ALIEN"']);
    expect400(await list(`chatType=${encodeURIComponent('["INTERNAL","ALIEN"]')}`), ['chatType', '"ALIEN"']);
    expect400(await list('feedbackType=MEH'), ['feedbackType', 'THUMBS_UP or THUMBS_DOWN']);
    expect400(await list('order=sideways'), ['order', 'ASC or DESC']);
    expect400(await list('feedback=maybe'), ['feedback', 'true or false']);
    expect400(await h.admin.delete(`/api/v1/chatmessage/${id}?chatType=ALIEN`), ['chatType']);
    expect400(await h.admin.delete(`/api/v1/chatmessage/${id}?startDate=yesterday-ish`), ['startDate']);
    expect((await list('')).body).toHaveLength(2);
  });

  it('still reads what is valid: dates (date-only or ISO), lists of chat types, feedback types', async () => {
    expect((await list('startDate=2000-01-01')).body).toHaveLength(2);
    expect((await list(`startDate=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`)).body).toEqual([]);
    expect((await list('endDate=2999-12-31&order=desc')).body).toHaveLength(2);
    expect((await list('chatType=INTERNAL,EXTERNAL')).body).toHaveLength(2);
    expect((await list(`chatType=${encodeURIComponent('["EXTERNAL"]')}`)).body).toHaveLength(2);
    expect((await list('chatType=INTERNAL')).body).toEqual([]);
    expect((await list('feedbackType=THUMBS_UP')).body).toEqual([]);
  });

  it('says the length limit of chatId, in a prediction body and in the query', async () => {
    const long = 'c'.repeat(501);
    expect400(await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q', chatId: long }), ['chatId', 'at most 500 characters']);
    expect400(await list(`chatId=${long}`), ['chatId', 'at most 500 characters']);
    expect((await list(`chatId=${chatId}`)).body).toHaveLength(2);
    expect((await h.admin.get(`/api/v1/chatmessage/${id}`)).body).toHaveLength(2);
  });
});
