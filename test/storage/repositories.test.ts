import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/app-config.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { type Repositories, createRepositories } from '../../src/storage/repositories.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { testLogger } from '../support/test-logger.js';
import { UpsertJobPruner } from '../../src/runner/upsert/upsert-pruner.js';

const dialects: Array<['sqlite' | 'postgres', () => Promise<DatabaseConfig>]> = [
  [
    'sqlite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-repo-'));
      return { type: 'sqlite', directory: dir, file: path.join(dir, 'database.sqlite') };
    },
  ],
  [
    'postgres',
    async () => ({ type: 'postgres', url: await createTestDatabase('repo'), host: '', port: 0, database: '', ssl: false }),
  ],
];

describe.each(dialects)('repositories on %s', (_name, makeConfig) => {
  let database: Database;
  let repos: Repositories;

  beforeAll(async () => {
    database = await openDatabase(await makeConfig(), testLogger);
    await database.migrate();
    await database.migrate(); // a second run finds nothing to do
    repos = createRepositories(database.db, database.dialect);
  });
  afterAll(async () => database.close());

  it('reads upsert jobs without their addedDocs unless asked, and prunes finished ones after their retention', async () => {
    const docs = [{ pageContent: 'kept once', metadata: {} }];
    const done = await repos.upserts.create({ chatflowId: 'cf-prune', chatId: 'c', input: {} });
    const claimed = await repos.upserts.claim(done.id);
    await repos.upserts.finish(done.id, claimed!.attempt, { status: 'completed', result: { numAdded: 1 }, addedDocs: docs, history: { result: { numAdded: 1 }, flowData: [] } });
    const waiting = await repos.upserts.create({ chatflowId: 'cf-prune', chatId: 'c', input: {} });
    expect((await repos.upserts.get(done.id))?.addedDocs).toBeUndefined();
    expect((await repos.upserts.get(done.id, { addedDocs: true }))?.addedDocs).toEqual(docs);
    // Ended before the cut-off: deleted; still queued: kept whatever its age.
    expect(await repos.upserts.pruneFinished(new Date(Date.now() - 60000).toISOString())).toBe(0);
    const pruner = new UpsertJobPruner(repos.upserts, 1, testLogger);
    pruner.start();
    try {
      for (let i = 0; (await repos.upserts.get(done.id)) && i < 200; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await pruner.close();
    }
    expect(await repos.upserts.get(done.id)).toBeUndefined();
    expect(await repos.upserts.get(waiting.id)).toBeDefined();
    // A deleted chatflow's finished jobs and history go; an active job finishes first.
    expect(await repos.upserts.history('cf-prune', { order: 'ASC' })).toHaveLength(1);
    await repos.upserts.deleteByChatflow('cf-prune');
    expect(await repos.upserts.history('cf-prune', { order: 'ASC' })).toEqual([]);
    expect(await repos.upserts.get(waiting.id)).toBeDefined();
  });

  const flowFields = {
    name: 'flow',
    flowData: '{"nodes":[],"edges":[]}',
    deployed: false,
    isPublic: null,
    apikeyid: null,
    chatbotConfig: null,
    apiConfig: null,
    analytic: null,
    speechToText: null,
    followUpPrompts: null,
    category: null,
    type: 'CHATFLOW' as const,
  };

  it('creates, merges and deletes chatflows', async () => {
    const created = await repos.chatflows.create(flowFields);
    expect(created.deployed).toBe(false);
    const updated = await repos.chatflows.update(created.id, { apikeyid: 'key-1', name: 'renamed' });
    expect(updated).toMatchObject({ id: created.id, name: 'renamed', apikeyid: 'key-1', flowData: flowFields.flowData });
    expect(await repos.chatflows.delete(created.id)).toBe(true);
    expect(await repos.chatflows.get(created.id)).toBeUndefined();
    expect(await repos.chatflows.update(created.id, { name: 'x' })).toBeUndefined();
  });

  it('claims a run once per attempt and stores exactly one answer', async () => {
    const { run } = await repos.runs.create({
      id: `run-${Math.random()}`,
      chatflowId: 'cf',
      chatId: 'chat',
      sessionId: 'chat',
      input: { question: 'q' },
      streaming: false,
      detachable: true,
      apiMessageId: `msg-${Math.random()}`,
    });
    expect(run.status).toBe('queued');
    const first = await repos.runs.claim(run.id);
    const second = await repos.runs.claim(run.id);
    expect(first?.attempt).toBe(1);
    expect(second?.attempt).toBe(2);
    const message = (role: 'userMessage' | 'apiMessage', createdDate: string) => ({
      id: `${role}-${run.id}`,
      role,
      chatflowid: 'cf',
      content: role,
      chatType: 'EXTERNAL',
      chatId: 'chat',
      sessionId: 'chat',
      runId: run.id,
      createdDate,
    });
    // The stale first attempt may not finish the run; the current one may, once.
    expect(await repos.runs.finish(run.id, { status: 'completed', result: { text: 'a' } }, [message('userMessage', '2026-01-01T00:00:00.000Z')], 1)).toBe(false);
    const messages = [message('userMessage', '2026-01-01T00:00:00.000Z'), message('apiMessage', '2026-01-01T00:00:00.001Z')];
    expect(await repos.runs.finish(run.id, { status: 'completed', result: { text: 'a' } }, messages, 2)).toBe(true);
    expect(await repos.runs.finish(run.id, { status: 'failed', error: 'late' }, [], 2)).toBe(false);
    const stored = await repos.runs.get(run.id);
    expect(stored).toMatchObject({ status: 'completed', attempt: 2, result: { text: 'a' } });
    expect(await repos.runs.claim(run.id)).toBeUndefined();
    expect(await repos.messages.history('cf', 'chat')).toEqual([
      { role: 'userMessage', content: 'userMessage' },
      { role: 'apiMessage', content: 'apiMessage' },
    ]);
  });

  it('returns the existing run for a repeated idempotency key', async () => {
    const base = {
      chatflowId: 'cf-idem',
      chatId: 'c',
      sessionId: 'c',
      input: {},
      streaming: false,
      detachable: false,
      idempotencyKey: 'same-key',
    };
    const a = await repos.runs.create({ ...base, id: `a-${Math.random()}`, apiMessageId: `m-${Math.random()}` });
    const b = await repos.runs.create({ ...base, id: `b-${Math.random()}`, apiMessageId: `m-${Math.random()}` });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.run.id).toBe(a.run.id);
  });

  it('aborts only queued runs', async () => {
    const { run } = await repos.runs.create({
      id: `q-${Math.random()}`,
      chatflowId: 'cf-abort',
      chatId: 'c',
      sessionId: 'c',
      input: {},
      streaming: false,
      detachable: true,
      apiMessageId: `m-${Math.random()}`,
    });
    expect(await repos.runs.activeFor('cf-abort', 'c')).toHaveLength(1);
    expect(await repos.runs.abortQueued(run.id)).toBe(true);
    expect(await repos.runs.abortQueued(run.id)).toBe(false);
    expect(await repos.runs.claim(run.id)).toBeUndefined();
    expect(await repos.runs.activeFor('cf-abort', 'c')).toHaveLength(0);
  });

  it('stores api keys by hash, feedback once per message, credentials as given', async () => {
    const key = await repos.apiKeys.create({ keyName: 'k', keyHash: `h${Math.random()}`, keyPrefix: 'abc' });
    expect(await repos.apiKeys.findByHash(key.keyHash)).toMatchObject({ id: key.id });
    expect(await repos.apiKeys.count()).toBeGreaterThan(0);
    const up = await repos.feedback.upsert({ chatflowid: 'cf', chatId: 'c', messageId: 'm1', rating: 'THUMBS_UP', content: '' });
    const down = await repos.feedback.upsert({ chatflowid: 'cf', chatId: 'c', messageId: 'm1', rating: 'THUMBS_DOWN', content: 'meh' });
    expect(down.id).toBe(up.id);
    expect(await repos.feedback.update(up.id, {})).toMatchObject({ rating: 'THUMBS_DOWN' });
    const credential = await repos.credentials.create({ name: 'c', credentialName: 'openAIApi', encryptedData: 'v1:x' });
    expect(await repos.credentials.list(['openAIApi'])).toEqual([credential]);
  });

  it('keeps one running summary per chatflow, session and memory node, replaced in place', async () => {
    const key = { chatflowId: 'cf-sum', sessionId: 's1', nodeId: 'conversationSummaryMemory_0' };
    expect(await repos.summaries.get(key)).toBeUndefined();
    await repos.summaries.put(key, { summary: 'first', coveredCount: 2, coveredDigest: 'd1' });
    await repos.summaries.put(key, { summary: 'second', coveredCount: 4, coveredDigest: 'd2' });
    await repos.summaries.put({ ...key, sessionId: 's2' }, { summary: 'other', coveredCount: 2, coveredDigest: 'd3' });
    expect(await repos.summaries.get(key)).toEqual({ summary: 'second', coveredCount: 4, coveredDigest: 'd2' });
    await repos.summaries.deleteByChatflow('cf-sum');
    expect(await repos.summaries.get({ ...key, sessionId: 's2' })).toBeUndefined();
  });

  // sandbox branch
  it('stores tools and variables, pages them, and answers 409 for a taken tool id or variable name', async () => {
    const tool = await repos.tools.create({ name: 't', description: 'd', color: 'c', iconSrc: null, schema: '[]', func: 'return 1' });
    const kept = await repos.tools.create({ name: 'u', description: 'd', color: 'c', iconSrc: null, schema: null, func: null }, '11111111-2222-4333-8444-555555555555');
    await expect(repos.tools.create({ name: 'v', description: 'd', color: 'c', iconSrc: null, schema: null, func: null }, kept.id)).rejects.toMatchObject({ status: 409 });
    expect((await repos.tools.update(tool.id, { func: 'return 2' }))?.func).toBe('return 2');
    const page = await repos.tools.list({ page: 1, limit: 1 });
    expect(page.total).toBe(2);
    expect(page.data).toHaveLength(1);
    expect(await repos.tools.delete(tool.id)).toBe(true);
    expect(await repos.tools.get(tool.id)).toBeUndefined();

    const region = await repos.variables.create({ name: 'region', value: 'eu', type: 'static' });
    await repos.variables.create({ name: 'KEY', value: null, type: 'runtime' });
    await expect(repos.variables.create({ name: 'region', value: 'us', type: 'static' })).rejects.toMatchObject({ status: 409 });
    await expect(repos.variables.update(region.id, { name: 'KEY' })).rejects.toMatchObject({ status: 409 });
    expect((await repos.variables.all()).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'KEY', value: null, type: 'runtime' },
      { name: 'region', value: 'eu', type: 'static' },
    ]);
  });
});
