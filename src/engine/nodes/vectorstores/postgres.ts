import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import pg from 'pg';
import { FlowValidationError } from '../../errors.js';
import { contentHash } from '../../vectors/embedder.js';
import { credentialField } from '../chat-model-inputs.js';
import { asBoolean, asJsonObject, asNumber, asString } from '../input-values.js';
import type { BuildContext, InputSpec, NodeDefinition, UpsertOutcome } from '../node-definition.js';
import { type DistanceStrategy, FLOWISE_CHATID, PostgresVectorTable } from './postgres-table.js';
import { DOCUMENT_INPUT, EMBEDDINGS_INPUT, TOP_K_INPUT, documentsToUpsert, embeddingsOf, storeOutput, topKOf, vectorStoreOutputs } from './vector-common.js';

/** The store the `postgres` node builds: a LangChain VectorStore over the user's table. */
class PostgresTableStore extends VectorStore {
  declare FilterType: Record<string, unknown>;
  k = 4;
  filter: Record<string, unknown> | undefined;

  constructor(
    embeddings: EmbeddingsInterface,
    private readonly table: PostgresVectorTable,
  ) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return 'postgres';
  }

  async addVectors(): Promise<void> {
    throw new Error('documents are added by an upsert (POST /api/v1/vector/upsert/:id)');
  }

  async addDocuments(): Promise<void> {
    return this.addVectors();
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: Record<string, unknown>): Promise<[DocumentInterface, number][]> {
    const found = await this.table.search(query, k, { ...this.filter, ...filter });
    return found.map((m) => [new Document({ pageContent: m.pageContent, metadata: m.metadata, id: m.id }), m.distance]);
  }
}

/** Connection pools by connection settings, shared by runs (idle ones close by themselves). */
const pools = new Map<string, pg.Pool>();

function poolFor(ctx: BuildContext): pg.Pool {
  const host = asString(ctx.inputs.host);
  const database = asString(ctx.inputs.database);
  if (!host || !database) throw new FlowValidationError(`Node ${ctx.nodeId} (postgres): set the Host and Database of your PostgreSQL`, ctx.nodeId);
  let extra: Record<string, unknown> = {};
  try {
    extra = asJsonObject(ctx.inputs.additionalConfig, 'additionalConfig') ?? {};
  } catch (error) {
    throw new FlowValidationError(`Node ${ctx.nodeId} (postgres): ${(error as Error).message}`, ctx.nodeId);
  }
  const unknownKeys = Object.keys(extra).filter((key) => !['ssl', 'connectTimeout', 'connectionTimeoutMillis'].includes(key));
  if (unknownKeys.length > 0) {
    throw new FlowValidationError(`Node ${ctx.nodeId} (postgres): additionalConfig may hold ssl and connectTimeout only, not ${unknownKeys.join(', ')}`, ctx.nodeId);
  }
  const timeout = asNumber(extra.connectTimeout ?? extra.connectionTimeoutMillis);
  const settings = {
    host,
    database,
    port: asNumber(ctx.inputs.port) ?? 5432,
    user: credentialField(ctx, 'user'),
    password: credentialField(ctx, 'password'),
    ssl: asBoolean(ctx.inputs.ssl) === true || extra.ssl === true ? { rejectUnauthorized: false } : undefined,
    connectionTimeoutMillis: timeout ?? 10000,
  };
  const key = JSON.stringify(settings);
  let pool = pools.get(key);
  if (!pool) {
    pool = new pg.Pool({ ...settings, max: 5, idleTimeoutMillis: 30000, allowExitOnIdle: true });
    // A lost idle connection (their database restarted) must not take this process down.
    pool.on('error', () => undefined);
    pools.set(key, pool);
  }
  return pool;
}

function tableOf(ctx: BuildContext): PostgresVectorTable {
  const strategy = (asString(ctx.inputs.distanceStrategy) ?? 'cosine') as DistanceStrategy;
  if (!['cosine', 'euclidean', 'innerProduct'].includes(strategy)) {
    throw new FlowValidationError(`Node ${ctx.nodeId} (postgres): unknown distance strategy "${strategy}"`, ctx.nodeId);
  }
  try {
    return new PostgresVectorTable(poolFor(ctx), asString(ctx.inputs.tableName) ?? 'documents', strategy);
  } catch (error) {
    if (error instanceof FlowValidationError) throw error;
    throw new FlowValidationError(`Node ${ctx.nodeId} (postgres): ${(error as Error).message}`, ctx.nodeId);
  }
}

const param = (spec: Omit<InputSpec, 'kind'>): InputSpec => ({ kind: 'param', ...spec });

/**
 * Flowise `postgres` (v7.1): vectors in the user's own PostgreSQL table (pgvector there, or a bytea
 * table searched here when the extension is missing). With File Upload on, chunks uploaded in a chat
 * carry its id and only that chat retrieves them.
 */
export const postgres: NodeDefinition = {
  name: 'postgres',
  label: 'Postgres',
  version: 7.1,
  type: 'Postgres',
  description: 'Keeps vectors in your own PostgreSQL table (pgvector when installed) and searches them.',
  icon: 'postgres',
  category: 'Vector Stores',
  baseClasses: ['Postgres', 'VectorStoreRetriever', 'BaseRetriever'],
  credential: { names: ['PostgresApi'], fields: ['user', 'password'], optional: false },
  inputs: [
    DOCUMENT_INPUT,
    EMBEDDINGS_INPUT,
    { name: 'recordManager', kind: 'anchor', type: 'RecordManager', label: 'Record Manager', optional: true, description: 'Not needed here: chunks are keyed by content already' },
    param({ name: 'host', type: 'string', label: 'Host', placeholder: 'localhost' }),
    param({ name: 'database', type: 'string', label: 'Database', placeholder: 'vectors' }),
    param({ name: 'port', type: 'number', label: 'Port', optional: true, placeholder: '5432' }),
    param({ name: 'ssl', type: 'boolean', label: 'SSL', optional: true, additionalParams: true, description: 'Connect with TLS' }),
    param({ name: 'tableName', type: 'string', label: 'Table Name', optional: true, additionalParams: true, placeholder: 'documents' }),
    param({
      name: 'distanceStrategy',
      type: 'options',
      label: 'Distance Strategy',
      optional: true,
      additionalParams: true,
      default: 'cosine',
      options: [
        { label: 'Cosine', name: 'cosine' },
        { label: 'Euclidean', name: 'euclidean' },
        { label: 'Inner Product', name: 'innerProduct' },
      ],
    }),
    param({ name: 'fileUpload', type: 'boolean', label: 'File Upload', optional: true, additionalParams: true, description: 'Files uploaded in a chat are found by that chat only' }),
    param({ name: 'batchSize', type: 'number', label: 'Upsert Batch Size', optional: true, additionalParams: true, step: 1, description: 'Rows per insert' }),
    param({ name: 'additionalConfig', type: 'json', label: 'Additional Configuration', optional: true, additionalParams: true, description: 'ssl and connectTimeout (ms)' }),
    { ...TOP_K_INPUT, additionalParams: true },
    param({ name: 'pgMetadataFilter', type: 'json', label: 'Postgres Metadata Filter', optional: true, additionalParams: true, acceptVariable: true }),
    param({ name: 'contentColumnName', type: 'string', label: 'Content Column Name', optional: true, additionalParams: true, placeholder: 'pageContent', hidden: true }),
  ],
  outputs: vectorStoreOutputs('Postgres', 'Postgres', []),
  async build(ctx) {
    const store = new PostgresTableStore(embeddingsOf(ctx), tableOf(ctx));
    let filter: Record<string, unknown> | undefined;
    try {
      filter = asJsonObject(ctx.inputs.pgMetadataFilter, 'pgMetadataFilter');
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (postgres): ${(error as Error).message}`, ctx.nodeId);
    }
    if (asBoolean(ctx.inputs.fileUpload) === true) filter = { ...filter, [FLOWISE_CHATID]: ctx.run.chatId };
    store.filter = filter;
    return storeOutput(store, ctx, topKOf(ctx));
  },
  async upsert(ctx): Promise<UpsertOutcome> {
    const embeddings = embeddingsOf(ctx);
    const withChat = asBoolean(ctx.inputs.fileUpload) === true;
    const docs = documentsToUpsert(ctx).map((d) => ({
      pageContent: d.pageContent.replace(/\0/g, ''),
      metadata: withChat ? { ...d.metadata, [FLOWISE_CHATID]: ctx.run.chatId } : d.metadata,
    }));
    // Raw vectors: euclidean and inner-product distances depend on the lengths.
    const vectors = await embeddings.embedDocuments(docs.map((d) => d.pageContent));
    const batch = Math.trunc(asNumber(ctx.inputs.batchSize) ?? 500);
    const added = await tableOf(ctx).add(
      docs.map((doc, i) => ({ ...doc, contentHash: contentHash(doc.pageContent, doc.metadata), vector: vectors[i]! })),
      batch >= 1 ? batch : 500,
    );
    return { numAdded: added, numDeleted: 0, numUpdated: 0, numSkipped: docs.length - added, addedDocs: docs };
  },
};
