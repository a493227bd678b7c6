import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Uploaded files and document stores.
 *
 * `upload` holds the bytes of every file a request brought (prediction uploads, multipart files,
 * attachments, document-store files), so a worker on any machine reads what the server received.
 * `chatflowId` is the owner: a chatflow id, or a document store id for a store's files (both UUIDs).
 * `chatId` is null for files that belong to the owner as a whole. A name is unique within its scope
 * (owner, chat or none): storing the same name again replaces the earlier file, as Flowise's storage
 * overwrites it. Two partial unique indexes express that, because NULLs never collide in a plain one.
 *
 * `document_store` and `document_store_file_chunk` keep Flowise's entity fields (loaders and configs
 * as JSON text).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatflowId', 'text', (c) => c.notNull())
    .addColumn('chatId', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', binary, (c) => c.notNull())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('upload_owner_name_idx')
    .on('upload')
    .columns(['chatflowId', 'name'])
    .unique()
    .where(sql.ref('chatId'), 'is', null)
    .execute();
  await db.schema
    .createIndex('upload_chat_name_idx')
    .on('upload')
    .columns(['chatflowId', 'chatId', 'name'])
    .unique()
    .where(sql.ref('chatId'), 'is not', null)
    .execute();

  await db.schema
    .createTable('document_store')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('loaders', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('whereUsed', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('vectorStoreConfig', 'text')
    .addColumn('embeddingConfig', 'text')
    .addColumn('recordManagerConfig', 'text')
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('document_store_file_chunk')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('docId', 'text', (c) => c.notNull())
    .addColumn('storeId', 'text', (c) => c.notNull())
    .addColumn('chunkNo', 'integer', (c) => c.notNull())
    .addColumn('pageContent', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text')
    .execute();
  await db.schema
    .createIndex('docstore_chunk_store_idx')
    .on('document_store_file_chunk')
    .columns(['storeId', 'chunkNo'])
    .execute();
  await db.schema
    .createIndex('docstore_chunk_doc_idx')
    .on('document_store_file_chunk')
    .columns(['docId', 'chunkNo'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['document_store_file_chunk', 'document_store', 'upload']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
