import type { Kysely } from 'kysely';

/**
 * trace branch: each run keeps its per-node trace (JSON array of NodeTraceEntry, engine/events/run-event.ts),
 * written when the run ends, whatever its outcome. Null for runs that ended before this column existed
 * or never started a node.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('run').addColumn('trace', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('run').dropColumn('trace').execute();
}
