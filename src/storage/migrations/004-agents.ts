import type { Kysely } from 'kysely';

/**
 * Summary memories' running summaries (agents branch), one row per chatflow, session and memory node,
 * so every server and worker continues the same summary.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('session_summary')
    .addColumn('chatflowid', 'text', (c) => c.notNull())
    .addColumn('sessionId', 'text', (c) => c.notNull())
    .addColumn('nodeId', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('coveredCount', 'integer', (c) => c.notNull())
    .addColumn('coveredDigest', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_summary_pk', ['chatflowid', 'sessionId', 'nodeId'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session_summary').ifExists().execute();
}
