import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Db } from '../database.js';
import type { DocumentStoreFileChunkTable, DocumentStoreTable } from '../schema.js';
import { nowIso } from './json-columns.js';

/** Flowise's DocumentStoreStatus values. */
export const DOCUMENT_STORE_STATUSES = ['EMPTY', 'SYNC', 'SYNCING', 'STALE', 'NEW', 'UPSERTING', 'UPSERTED'] as const;
export type DocumentStoreStatus = (typeof DOCUMENT_STORE_STATUSES)[number];

const record = z.record(z.string(), z.unknown());

/** A file a loader was given (`IDocumentStoreLoaderFile`). */
export const loaderFileSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  mimePrefix: z.string(),
  size: z.number(),
  status: z.string(),
  uploaded: z.string(),
});

/** One loader of a store (`IDocumentStoreLoader`): which loader and splitter nodes, with their inputs. */
export const storeLoaderSchema = z.looseObject({
  id: z.string(),
  loaderId: z.string().optional(),
  loaderName: z.string().optional(),
  loaderConfig: record.optional(),
  splitterId: z.string().optional(),
  splitterName: z.string().optional(),
  splitterConfig: record.optional(),
  totalChunks: z.number().optional(),
  totalChars: z.number().optional(),
  status: z.string().optional(),
  files: z.array(loaderFileSchema).optional(),
  credential: z.string().optional(),
});
export type StoreLoader = z.infer<typeof storeLoaderSchema>;
export type StoreLoaderFile = z.infer<typeof loaderFileSchema>;

/** `{name, config}` of the store's embedding, vector store or record manager node. */
export const namedConfigSchema = z.looseObject({ name: z.string(), config: record.default({}) });
export type NamedConfig = z.infer<typeof namedConfigSchema>;

export interface DocumentStoreRecord {
  id: string;
  name: string;
  description: string | null;
  loaders: StoreLoader[];
  /** Ids of the chatflows that use the store. */
  whereUsed: string[];
  status: DocumentStoreStatus;
  vectorStoreConfig: NamedConfig | null;
  embeddingConfig: NamedConfig | null;
  recordManagerConfig: NamedConfig | null;
  createdDate: string;
  updatedDate: string;
}

export type DocumentStoreFields = Partial<Omit<DocumentStoreRecord, 'id' | 'createdDate' | 'updatedDate'>>;

export interface ChunkRecord {
  id: string;
  /** The loader (`StoreLoader.id`) that made the chunk. */
  docId: string;
  storeId: string;
  /** 1-based position within the loader's chunks. */
  chunkNo: number;
  pageContent: string;
  metadata: Record<string, unknown>;
}

export interface NewChunk {
  pageContent: string;
  metadata: Record<string, unknown>;
}

/** Parses a JSON column with `schema`; a broken value reads as `fallback` (zod at the DB edge). */
function parseColumn<T>(text: string | null, schema: z.ZodType<T>, fallback: T): T {
  if (text === null || text === '') return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

function toStore(row: Selectable<DocumentStoreTable>): DocumentStoreRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    loaders: parseColumn(row.loaders, z.array(storeLoaderSchema), []),
    whereUsed: parseColumn(row.whereUsed, z.array(z.string()), []),
    status: (DOCUMENT_STORE_STATUSES as readonly string[]).includes(row.status) ? (row.status as DocumentStoreStatus) : 'STALE',
    vectorStoreConfig: parseColumn(row.vectorStoreConfig, namedConfigSchema.nullable(), null),
    embeddingConfig: parseColumn(row.embeddingConfig, namedConfigSchema.nullable(), null),
    recordManagerConfig: parseColumn(row.recordManagerConfig, namedConfigSchema.nullable(), null),
    createdDate: row.createdDate,
    updatedDate: row.updatedDate,
  };
}

function toColumns(fields: DocumentStoreFields): Partial<DocumentStoreTable> {
  const columns: Partial<DocumentStoreTable> = {};
  if (fields.name !== undefined) columns.name = fields.name;
  if (fields.description !== undefined) columns.description = fields.description;
  if (fields.loaders !== undefined) columns.loaders = JSON.stringify(fields.loaders);
  if (fields.whereUsed !== undefined) columns.whereUsed = JSON.stringify(fields.whereUsed);
  if (fields.status !== undefined) columns.status = fields.status;
  for (const key of ['vectorStoreConfig', 'embeddingConfig', 'recordManagerConfig'] as const) {
    if (fields[key] !== undefined) columns[key] = fields[key] === null ? null : JSON.stringify(fields[key]);
  }
  return columns;
}

function toChunk(row: Selectable<DocumentStoreFileChunkTable>): ChunkRecord {
  return { ...row, chunkNo: Number(row.chunkNo), metadata: parseColumn(row.metadata, record, {}) };
}

/** Chunks a statement inserts at once: well under both dialects' bound-parameter limits. */
const INSERT_BATCH = 500;

/**
 * Flowise's DocumentStore and DocumentStoreFileChunk entities. A store's loaders live in the store row
 * (JSON), so changes to them go through `update`, which reads and writes in one transaction
 * (PostgreSQL locks the row; SQLite transactions start IMMEDIATE and so run one at a time).
 */
export class DocumentStoreRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async create(fields: DocumentStoreFields & { name: string }): Promise<DocumentStoreRecord> {
    const now = nowIso();
    const row: DocumentStoreTable = {
      id: randomUUID(),
      name: fields.name,
      description: null,
      loaders: '[]',
      whereUsed: '[]',
      status: 'EMPTY',
      vectorStoreConfig: null,
      embeddingConfig: null,
      recordManagerConfig: null,
      createdDate: now,
      updatedDate: now,
      ...toColumns(fields),
    };
    await this.db.insertInto('document_store').values(row).execute();
    return toStore(row);
  }

  /** Stores, most recently updated first; `total` counts them all. */
  async list(page?: { page: number; limit: number }): Promise<{ stores: DocumentStoreRecord[]; total: number }> {
    let query = this.db.selectFrom('document_store').selectAll().orderBy('updatedDate', 'desc').orderBy('id');
    if (page) query = query.limit(page.limit).offset((page.page - 1) * page.limit);
    const rows = await query.execute();
    const count = await this.db.selectFrom('document_store').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return { stores: rows.map(toStore), total: Number(count.n) };
  }

  async get(id: string): Promise<DocumentStoreRecord | undefined> {
    const row = await this.db.selectFrom('document_store').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStore(row) : undefined;
  }

  /**
   * Reads the store, lets `change` compute new fields from it, writes them, in one transaction.
   * Undefined when the store does not exist; `change` may throw to write nothing.
   */
  async update(id: string, change: (store: DocumentStoreRecord) => DocumentStoreFields): Promise<DocumentStoreRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('document_store').selectAll().where('id', '=', id);
      if (this.dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      const columns = { ...toColumns(change(toStore(row))), updatedDate: nowIso() };
      const updated = await trx.updateTable('document_store').set(columns).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      return toStore(updated);
    });
  }

  /** Deletes a store and its chunks. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('document_store_file_chunk').where('storeId', '=', id).execute();
      const result = await trx.deleteFrom('document_store').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Replaces a loader's chunks with `chunks` (numbered from 1), in one transaction. */
  async replaceChunks(storeId: string, docId: string, chunks: NewChunk[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('document_store_file_chunk').where('docId', '=', docId).execute();
      for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
        const rows = chunks.slice(start, start + INSERT_BATCH).map((chunk, i) => ({
          id: randomUUID(),
          docId,
          storeId,
          chunkNo: start + i + 1,
          // NUL bytes break PostgreSQL text (Flowise #2387, #5611); Flowise strips them too.
          pageContent: chunk.pageContent.replaceAll('\u0000', ''),
          metadata: JSON.stringify(chunk.metadata),
        }));
        await trx.insertInto('document_store_file_chunk').values(rows).execute();
      }
    });
  }

  /** One page of a store's chunks (every loader), or of one loader's; ordered by chunk number. */
  async pageChunks(where: { storeId: string; docId?: string }, page: number, pageSize: number): Promise<{ chunks: ChunkRecord[]; count: number }> {
    let query = this.db.selectFrom('document_store_file_chunk').where('storeId', '=', where.storeId);
    if (where.docId) query = query.where('docId', '=', where.docId);
    const rows = await query
      .selectAll()
      .orderBy('chunkNo', 'asc')
      .orderBy('docId')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    const count = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return { chunks: rows.map(toChunk), count: Number(count.n) };
  }

  /** Every chunk of a store, or of one of its loaders, in loader and chunk order. */
  async chunksOf(storeId: string, docId?: string): Promise<ChunkRecord[]> {
    let query = this.db.selectFrom('document_store_file_chunk').selectAll().where('storeId', '=', storeId);
    if (docId) query = query.where('docId', '=', docId);
    return (await query.orderBy('docId').orderBy('chunkNo', 'asc').execute()).map(toChunk);
  }

  async getChunk(id: string): Promise<ChunkRecord | undefined> {
    const row = await this.db.selectFrom('document_store_file_chunk').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChunk(row) : undefined;
  }

  /** The first chunk of a store with exactly this text (vector query results carry no chunk id). */
  async findChunkByContent(storeId: string, pageContent: string): Promise<ChunkRecord | undefined> {
    const row = await this.db
      .selectFrom('document_store_file_chunk')
      .selectAll()
      .where('storeId', '=', storeId)
      .where('pageContent', '=', pageContent)
      .orderBy('chunkNo')
      .executeTakeFirst();
    return row ? toChunk(row) : undefined;
  }

  async updateChunk(id: string, pageContent: string, metadata: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('document_store_file_chunk')
      .set({ pageContent: pageContent.replaceAll('\u0000', ''), metadata: JSON.stringify(metadata) })
      .where('id', '=', id)
      .execute();
  }

  async deleteChunk(id: string): Promise<void> {
    await this.db.deleteFrom('document_store_file_chunk').where('id', '=', id).execute();
  }

  async deleteLoaderChunks(docId: string): Promise<void> {
    await this.db.deleteFrom('document_store_file_chunk').where('docId', '=', docId).execute();
  }
}
