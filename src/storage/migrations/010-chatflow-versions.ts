import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * versions branch: every flowData a chatflow had, numbered per chatflow (`n`), with who saved it, when,
 * and an optional message. `rowVersion` is the chatflow row's `version` counter when that flowData became
 * current, so a run validated at counter c finds its flowData: the entry with the largest rowVersion <= c.
 * Existing chatflows get their current flowData as version 1 (author unknown, rowVersion 0).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_flow_version')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatflowId', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('rowVersion', 'integer', (c) => c.notNull())
    .addColumn('flowData', 'text', (c) => c.notNull())
    .addColumn('savedBy', 'text')
    .addColumn('message', 'text')
    .addColumn('savedDate', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_flow_version_n_idx').unique().on('chat_flow_version').columns(['chatflowId', 'n']).execute();
  await db.schema.createIndex('chat_flow_version_row_idx').on('chat_flow_version').columns(['chatflowId', 'rowVersion']).execute();
  const typed = db as Kysely<Tables>;
  let after = '';
  for (;;) {
    // In batches by id: flowData texts can be large, the table need not fit in memory at once.
    const rows = await typed.selectFrom('chat_flow').select(['id', 'flowData', 'updatedDate']).where('id', '>', after).orderBy('id').limit(100).execute();
    if (rows.length === 0) break;
    await typed
      .insertInto('chat_flow_version')
      .values(rows.map((row) => ({ id: randomUUID(), chatflowId: row.id, n: 1, rowVersion: 0, flowData: row.flowData, savedBy: null, message: null, savedDate: row.updatedDate })))
      .execute();
    after = rows[rows.length - 1]!.id;
  }
}

/** The tables as this migration knows them (later migrations may change them). */
interface Tables {
  chat_flow: { id: string; flowData: string; updatedDate: string };
  chat_flow_version: { id: string; chatflowId: string; n: number; rowVersion: number; flowData: string; savedBy: string | null; message: string | null; savedDate: string };
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chat_flow_version').ifExists().execute();
}
