import { type Kysely, sql } from 'kysely';

/**
 * reconcile branch: what the reconciler needs (runner/reconciler.ts). Upsert jobs get a heartbeat (their
 * executor writes it while it works, so a job whose process died is recognised); a lease row lets one
 * server replica at a time do the reconciling; partial indexes of the active rows keep its scans cheap
 * however many finished runs and jobs the tables hold.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('upsert_job').addColumn('heartbeatDate', 'text').execute();
  await sql`create index upsert_job_active_idx on upsert_job ("createdDate") where status in ('queued', 'running')`.execute(db);
  await sql`create index run_active_idx on run ("createdDate") where status in ('queued', 'running')`.execute(db);
  await db.schema
    .createTable('maintenance_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expiresAt', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('maintenance_lease').ifExists().execute();
  for (const index of ['run_active_idx', 'upsert_job_active_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.alterTable('upsert_job').dropColumn('heartbeatDate').execute();
}
