import type { Kysely } from 'kysely';

/** The first schema. Portable column types only (text, integer), so both dialects run it unchanged. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_flow')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('flowData', 'text', (c) => c.notNull())
    .addColumn('deployed', 'integer')
    .addColumn('isPublic', 'integer')
    .addColumn('apikeyid', 'text')
    .addColumn('chatbotConfig', 'text')
    .addColumn('apiConfig', 'text')
    .addColumn('analytic', 'text')
    .addColumn('speechToText', 'text')
    .addColumn('followUpPrompts', 'text')
    .addColumn('category', 'text')
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('CHATFLOW'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('chat_message')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('chatflowid', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('sourceDocuments', 'text')
    .addColumn('usedTools', 'text')
    .addColumn('fileAnnotations', 'text')
    .addColumn('agentReasoning', 'text')
    .addColumn('fileUploads', 'text')
    .addColumn('artifacts', 'text')
    .addColumn('action', 'text')
    .addColumn('followUpPrompts', 'text')
    .addColumn('chatType', 'text', (c) => c.notNull())
    .addColumn('chatId', 'text', (c) => c.notNull())
    .addColumn('memoryType', 'text')
    .addColumn('sessionId', 'text')
    .addColumn('leadEmail', 'text')
    .addColumn('runId', 'text')
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('chat_message_session_idx')
    .on('chat_message')
    .columns(['chatflowid', 'sessionId', 'createdDate'])
    .execute();
  await db.schema
    .createIndex('chat_message_chat_idx')
    .on('chat_message')
    .columns(['chatflowid', 'chatId', 'createdDate'])
    .execute();

  await db.schema
    .createTable('chat_message_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatflowid', 'text', (c) => c.notNull())
    .addColumn('chatId', 'text', (c) => c.notNull())
    .addColumn('messageId', 'text', (c) => c.notNull().unique())
    .addColumn('rating', 'text', (c) => c.notNull())
    .addColumn('content', 'text')
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_chat_idx')
    .on('chat_message_feedback')
    .columns(['chatflowid', 'chatId'])
    .execute();

  await db.schema
    .createTable('credential')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('credentialName', 'text', (c) => c.notNull())
    .addColumn('encryptedData', 'text', (c) => c.notNull())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('apikey')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('keyName', 'text', (c) => c.notNull())
    .addColumn('keyHash', 'text', (c) => c.notNull().unique())
    .addColumn('keyPrefix', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text')
    .addColumn('createdAt', 'text', (c) => c.notNull())
    .addColumn('updatedAt', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatflowId', 'text', (c) => c.notNull())
    .addColumn('chatId', 'text', (c) => c.notNull())
    .addColumn('sessionId', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('streaming', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('detachable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('cancelRequested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotencyKey', 'text')
    .addColumn('apiMessageId', 'text', (c) => c.notNull())
    .addColumn('chatflowVersion', 'integer')
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('startedDate', 'text')
    .addColumn('finishedDate', 'text')
    .execute();
  // No index holds `status` or `attempt`: every run changes them twice, and PostgreSQL can then update
  // the row in place (HOT) instead of touching every index.
  await db.schema.createIndex('run_chat_idx').on('run').columns(['chatflowId', 'chatId']).execute();
  await db.schema
    .createIndex('run_idempotency_idx')
    .on('run')
    .columns(['chatflowId', 'idempotencyKey'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['run', 'apikey', 'credential', 'chat_message_feedback', 'chat_message', 'chat_flow']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
