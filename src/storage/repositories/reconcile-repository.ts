import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * The status test of the partial indexes `run_active_idx` and `upsert_job_active_idx` (migration
 * 009), written as a literal: a planner uses a partial index only when the query repeats its condition,
 * which a bound parameter does not. So each scan here reads the few active rows, never the whole table.
 */
const ACTIVE_ROWS = sql<boolean>`status in ('queued', 'running')`;

/**
 * What the reconciler (runner/reconciler.ts) reads and holds: a named lease, so one process at a
 * time reconciles, and the runs and upsert jobs left active. Kept apart from the run and upsert
 * repositories, which the prediction and upsert paths own.
 */
export class ReconcileRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes or renews the lease `name` for `holder` until `ttlMs` from now, unless another holder's lease
   * is still valid. True when `holder` holds it afterwards.
   */
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    await this.db
      .insertInto('maintenance_lease')
      .values({ name, holder, expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expiresAt })
          .where((eb) => eb.or([eb('maintenance_lease.expiresAt', '<', now.toISOString()), eb('maintenance_lease.holder', '=', holder)])),
      )
      .execute();
    const row = await this.db.selectFrom('maintenance_lease').select('holder').where('name', '=', name).executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives a lease up (a stopping process), so another takes over at once. */
  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('maintenance_lease').where('name', '=', name).where('holder', '=', holder).execute();
  }

  /** Runs still queued or running that were created before `before` (past their deadline), oldest first. */
  async activeRunsBefore(before: string, limit: number): Promise<Array<{ id: string; status: string }>> {
    return this.db
      .selectFrom('run')
      .select(['id', 'status'])
      .where(ACTIVE_ROWS)
      .where('createdDate', '<', before)
      .orderBy('createdDate')
      .limit(limit)
      .execute();
  }

  /** Runs still queued, created between `after` and `before` (queue mode: Redis may have lost their job). */
  async queuedRunsBetween(after: string, before: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('run')
      .select('id')
      .where(ACTIVE_ROWS)
      .where('status', '=', 'queued')
      .where('createdDate', '>=', after)
      .where('createdDate', '<', before)
      .orderBy('createdDate')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Running upsert jobs whose last heartbeat (or start) is older than `before`: their process may have stopped. */
  async staleUpserts(before: string, limit: number): Promise<Array<{ id: string; attempt: number }>> {
    const rows = await this.db
      .selectFrom('upsert_job')
      .select(['id', 'attempt'])
      .where(ACTIVE_ROWS)
      .where('status', '=', 'running')
      .where((eb) => eb(eb.fn.coalesce('heartbeatDate', 'startedDate', 'createdDate'), '<', before))
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, attempt: Number(r.attempt) }));
  }

  /** Upsert jobs still queued that were created before `before` (nothing may hold them any more). */
  async queuedUpsertsBefore(before: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('upsert_job')
      .select('id')
      .where(ACTIVE_ROWS)
      .where('status', '=', 'queued')
      .where('createdDate', '<', before)
      .orderBy('createdDate')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
