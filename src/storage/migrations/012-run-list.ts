import { type Kysely, sql } from 'kysely';

/**
 * executions branch: a failed run keeps its error's code and node, and the runs list (GET /api/v1/runs) reads newest first, over all runs or one
 * chatflow's. These indexes serve that order so a page is read from the index instead of sorting every
 * run. Neither holds `status` (see 001-initial: runs change it twice, so it stays out of indexes and
 * PostgreSQL can keep updating the row in place); a status filter is checked on the rows the index walks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The run view shows a failure's code and node after its events expired (RUN_EVENTS_TTL).
  await db.schema.alterTable('run').addColumn('errorCode', 'text').execute();
  await db.schema.alterTable('run').addColumn('errorNodeId', 'text').execute();
  await db.schema.createIndex('run_created_idx').on('run').columns(['createdDate', 'id']).execute();
  await db.schema.createIndex('run_chatflow_created_idx').on('run').columns(['chatflowId', 'createdDate', 'id']).execute();
  await db.schema.createIndex('run_session_created_idx').on('run').columns(['sessionId', 'createdDate']).execute();
  // Failed runs are few and what people look for: a partial index finds them (and counts them) without
  // reading every run. A run enters it once, when it fails; other status changes never touch it.
  await sql`create index run_failed_idx on run ("createdDate") where status = 'failed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['run_failed_idx', 'run_session_created_idx', 'run_chatflow_created_idx', 'run_created_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.alterTable('run').dropColumn('errorNodeId').execute();
  await db.schema.alterTable('run').dropColumn('errorCode').execute();
}
