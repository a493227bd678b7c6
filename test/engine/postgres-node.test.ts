import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowJson, chatOpenAINode, edge, node } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { PostgresVectorTable, hashToUuid } from '../../src/engine/nodes/vectorstores/postgres-table.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { runEngine, upsertEngine } from './engine-harness.js';

const STORE_CLASSES = ['Postgres', 'VectorStoreRetriever', 'BaseRetriever'];

/** plainText → postgres (the user's database) ← openAIEmbeddings; postgres → retrievalQAChain ← chatOpenAI. */
function postgresFlow(fakeUrl: string, db: URL, text: string, extra: Record<string, unknown> = {}, loaderInputs: Record<string, unknown> = {}): FlowJson {
  return {
    nodes: [
      node({ id: 'plainText_0', name: 'plainText', label: 'Plain Text', type: 'Document', category: 'Document Loaders', version: 2, baseClasses: ['Document'], inputs: { text, ...loaderInputs }, outputs: { output: 'document' } }, 0),
      node({ id: 'openAIEmbeddings_0', name: 'openAIEmbeddings', label: 'OpenAI Embeddings', type: 'OpenAIEmbeddings', category: 'Embeddings', version: 4, baseClasses: ['OpenAIEmbeddings', 'Embeddings'], credential: 'oa', inputs: { modelName: 'fake-embed', basepath: fakeUrl } }, 0),
      node(
        {
          id: 'postgres_0',
          name: 'postgres',
          label: 'Postgres',
          type: 'Postgres',
          category: 'Vector Stores',
          version: 7.1,
          baseClasses: STORE_CLASSES,
          credential: 'pgc',
          inputs: {
            document: ['{{plainText_0.data.instance}}'],
            embeddings: '{{openAIEmbeddings_0.data.instance}}',
            host: db.hostname,
            port: db.port,
            database: db.pathname.slice(1),
            tableName: 'My Docs',
            topK: '1',
            ...extra,
          },
          outputs: { output: 'retriever' },
        },
        300,
      ),
      chatOpenAINode({ model: 'fake', basepath: fakeUrl, credential: 'oa' }, 'chatOpenAI_0', 300),
      node({ id: 'retrievalQAChain_0', name: 'retrievalQAChain', label: 'Retrieval QA Chain', type: 'RetrievalQAChain', category: 'Chains', version: 2, baseClasses: ['RetrievalQAChain', 'BaseChain', 'Runnable'], inputs: { model: '{{chatOpenAI_0.data.instance}}', vectorStoreRetriever: '{{postgres_0.data.instance}}' } }, 600),
    ],
    edges: [
      edge('plainText_0', ['Document'], 'postgres_0', 'document', 'Document'),
      edge('openAIEmbeddings_0', ['OpenAIEmbeddings', 'Embeddings'], 'postgres_0', 'embeddings', 'Embeddings'),
      edge('postgres_0', STORE_CLASSES, 'retrievalQAChain_0', 'vectorStoreRetriever', 'BaseRetriever'),
      edge('chatOpenAI_0', ['ChatOpenAI', 'BaseChatModel'], 'retrievalQAChain_0', 'model', 'BaseLanguageModel'),
    ],
  };
}

describe('postgres vector node (the user\'s own database, here without pgvector)', () => {
  const fake = new FakeLlmServer();
  let db: URL;
  beforeAll(async () => {
    await fake.start();
    db = new URL(await createTestDatabase('own'));
  });
  afterAll(async () => fake.stop());
  const credentials = () => ({ oa: { openAIApiKey: 'sk' }, pgc: { user: decodeURIComponent(db.username), password: db.password } });
  const system = () => ((fake.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body.messages as Array<{ content: string }>)[0]!.content);

  it('creates Flowise\'s table, upserts idempotently and answers from it', async () => {
    const flow = postgresFlow(fake.url, db, 'Penguins eat herring. Camels store fat.');
    const first = await upsertEngine(flow, { question: '', credentials: credentials() });
    expect(first.result).toMatchObject({ numAdded: 1, numSkipped: 0 });
    expect((await upsertEngine(flow, { question: '', credentials: credentials() })).result).toMatchObject({ numAdded: 0, numSkipped: 1 });
    const client = new pg.Client({ connectionString: db.toString() });
    await client.connect();
    try {
      const columns = await client.query(`select column_name, data_type from information_schema.columns where table_name = 'my_docs' order by ordinal_position`);
      expect(columns.rows.map((r) => `${r.column_name}:${r.data_type}`)).toEqual(['id:uuid', 'pageContent:text', 'metadata:jsonb', 'embedding:bytea']);
    } finally {
      await client.end();
    }
    await runEngine(flow, { question: 'what do penguins eat', credentials: credentials() });
    expect(system()).toContain('Penguins eat herring.');
  });

  it('strips NUL from page content and metadata keys and values (PostgreSQL refuses \\u0000 in text and jsonb, Flowise #2387)', async () => {
    const metadata = JSON.stringify({ 'ti\u0000tle': 'Report\u0000 2024', nested: { deep: ['a\u0000b'] } });
    const flow = postgresFlow(fake.url, db, 'Walruses\u0000 sleep on ice.', { tableName: 'nul_docs' }, { metadata });
    const result = await upsertEngine(flow, { question: '', credentials: credentials() });
    expect(result.result).toMatchObject({ numAdded: 1 });
    const client = new pg.Client({ connectionString: db.toString() });
    await client.connect();
    try {
      const rows = await client.query(`select "pageContent", metadata from nul_docs`);
      expect(rows.rows).toEqual([{ pageContent: 'Walruses sleep on ice.', metadata: { title: 'Report 2024', nested: { deep: ['ab'] } } }]);
    } finally {
      await client.end();
    }
  });

  it('with File Upload, a chat finds its own uploads and the shared documents, never another chat\'s', async () => {
    const shared = postgresFlow(fake.url, db, 'Shared note about tulips and gardens.');
    await upsertEngine(shared, { question: '', credentials: credentials() });
    const uploaded = postgresFlow(fake.url, db, 'Private note about tulips for chat one.', { fileUpload: true });
    await upsertEngine(uploaded, { question: '', credentials: credentials() }); // chat-1 (the harness's chat)
    const other = postgresFlow(fake.url, db, 'Private tulips of chat two.', { fileUpload: true, topK: '5' });
    const result = await runEngine(other, { question: 'tulips', credentials: credentials() });
    expect(result.result.text).toBe('You said: tulips');
    expect(system()).toContain('Private note about tulips for chat one.');
    expect(system()).toContain('Shared note about tulips');
    expect(system()).not.toContain('chat two');
  });
});

describe('postgres vector table with pgvector (PGlite)', () => {
  it('writes a vector column, ranks with the chosen distance and skips known chunks', async () => {
    const pglite = await PGlite.create({ extensions: { vector } });
    const pool = new pg.Pool(createPgConfig(pglite));
    try {
      const table = new PostgresVectorTable(pool, 'documents', 'cosine');
      const chunks = [
        { pageContent: 'east', metadata: { side: 'e' }, contentHash: 'h-east', vector: [1, 0, 0] },
        { pageContent: 'north', metadata: { side: 'n' }, contentHash: 'h-north', vector: [0, 2, 0] },
      ];
      expect(await table.add(chunks, 500)).toBe(2);
      expect(await table.add(chunks, 1)).toBe(0);
      const type = await pool.query(`select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = 'documents'::regclass and attname = 'embedding'`);
      expect(type.rows[0].t).toBe('vector');
      const found = await table.search([0.1, 1, 0], 2);
      expect(found.map((f) => f.pageContent)).toEqual(['north', 'east']);
      expect(found[0]!.id).toBe(hashToUuid('h-north'));
      expect((await table.search([0.1, 1, 0], 2, { side: 'e' })).map((f) => f.pageContent)).toEqual(['east']);
      const inner = new PostgresVectorTable(pool, 'documents', 'innerProduct');
      expect((await inner.search([1, 1, 0], 1))[0]!.pageContent).toBe('north');
    } finally {
      await pool.end();
      await pglite.close();
    }
  });
});
