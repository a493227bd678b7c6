import type { Kysely } from 'kysely';

/**
 * harden-rag: indexes for reclaiming upsert storage. Finished upsert jobs are deleted some time after
 * they end (UPSERT_JOB_TTL), found by `finishedDate`; a deleted chatflow's jobs and runs by its id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('upsert_job_finished_idx').on('upsert_job').column('finishedDate').execute();
  await db.schema.createIndex('upsert_job_flow_idx').on('upsert_job').column('chatflowId').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('upsert_job_flow_idx').ifExists().execute();
  await db.schema.dropIndex('upsert_job_finished_idx').ifExists().execute();
}
