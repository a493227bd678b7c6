import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { UpsertHistoryTable, UpsertJobTable } from '../schema.js';
import { fromJsonColumn, nowIso } from './json-columns.js';
import { yieldToLoop } from '../../shared/yield-to-loop.js';

/** `cancelled`: its document store was deleted while it ran (what it wrote is removed). */
export type UpsertStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
const FINISHED: UpsertStatus[] = ['completed', 'failed', 'cancelled'];
const ACTIVE: UpsertStatus[] = ['queued', 'running'];

/** One upsert request: written before it runs (queue mode: before it is enqueued), like a run. */
export interface UpsertJobRecord {
  id: string;
  chatflowId: string;
  chatflowVersion?: number;
  chatId: string;
  status: UpsertStatus;
  attempt: number;
  /** `{stopNodeId?, overrideConfig?}`, parsed by the runner layer. */
  input: unknown;
  /** The counts (Flowise's IndexingResult without addedDocs). */
  result?: unknown;
  addedDocs?: unknown;
  error?: string;
  errorCode?: string;
  createdDate: string;
  startedDate?: string;
  finishedDate?: string;
}

export interface NewUpsertJob {
  chatflowId: string;
  chatflowVersion?: number;
  chatId: string;
  input: unknown;
}

export type UpsertOutcome =
  | { status: 'completed'; result: unknown; addedDocs: unknown; history?: { result: unknown; flowData: unknown } }
  | { status: 'failed' | 'cancelled'; error: string; errorCode: string };

/** Flowise's UpsertHistory entity, `result` and `flowData` parsed. */
export interface UpsertHistoryRecord {
  id: string;
  chatflowid: string;
  result: unknown;
  flowData: unknown;
  date: string;
}

type JobRow = Omit<Selectable<UpsertJobTable>, 'addedDocs' | 'heartbeatDate'> & { addedDocs?: string | null };

/** Every column but addedDocs (megabytes for a large upsert), which only the result needs. */
const LIGHT_COLUMNS = [
  'id',
  'chatflowId',
  'chatflowVersion',
  'chatId',
  'status',
  'attempt',
  'input',
  'result',
  'error',
  'errorCode',
  'createdDate',
  'startedDate',
  'finishedDate',
] as const;

function toJob(row: JobRow): UpsertJobRecord {
  const job: UpsertJobRecord = {
    id: row.id,
    chatflowId: row.chatflowId,
    chatId: row.chatId,
    status: row.status as UpsertStatus,
    attempt: Number(row.attempt),
    input: fromJsonColumn(row.input),
    createdDate: row.createdDate,
  };
  if (row.chatflowVersion !== null) job.chatflowVersion = Number(row.chatflowVersion);
  if (row.result !== null) job.result = fromJsonColumn(row.result);
  if (row.addedDocs !== null && row.addedDocs !== undefined) job.addedDocs = fromJsonColumn(row.addedDocs);
  if (row.error !== null) job.error = row.error;
  if (row.errorCode !== null) job.errorCode = row.errorCode;
  if (row.startedDate !== null) job.startedDate = row.startedDate;
  if (row.finishedDate !== null) job.finishedDate = row.finishedDate;
  return job;
}

const toHistory = (row: Selectable<UpsertHistoryTable>): UpsertHistoryRecord => ({
  id: row.id,
  chatflowid: row.chatflowid,
  result: fromJsonColumn(row.result) ?? {},
  flowData: fromJsonColumn(row.flowData) ?? [],
  date: row.date,
});

export class UpsertRepository {
  constructor(private readonly db: Db) {}

  async create(input: NewUpsertJob): Promise<UpsertJobRecord> {
    const row: UpsertJobTable = {
      id: randomUUID(),
      chatflowId: input.chatflowId,
      chatflowVersion: input.chatflowVersion ?? null,
      chatId: input.chatId,
      status: 'queued',
      attempt: 0,
      input: JSON.stringify(input.input),
      result: null,
      addedDocs: null,
      error: null,
      errorCode: null,
      createdDate: nowIso(),
      startedDate: null,
      finishedDate: null,
      heartbeatDate: null,
    };
    await this.db.insertInto('upsert_job').values(row).execute();
    return toJob(row);
  }

  /** A job; its `addedDocs` only when asked for (polls need the status, not megabytes of documents). */
  async get(id: string, options: { addedDocs?: boolean } = {}): Promise<UpsertJobRecord | undefined> {
    const query = this.db.selectFrom('upsert_job').where('id', '=', id);
    const row = options.addedDocs ? await query.select([...LIGHT_COLUMNS, 'addedDocs']).executeTakeFirst() : await query.select(LIGHT_COLUMNS).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /** Takes a job for execution (another attempt when its worker died); undefined once it ended. */
  async claim(id: string): Promise<UpsertJobRecord | undefined> {
    const now = nowIso();
    const row = await this.db
      .updateTable('upsert_job')
      .set((eb) => ({ status: 'running', attempt: eb('attempt', '+', 1), startedDate: now, heartbeatDate: now }))
      .where('id', '=', id)
      .where('status', 'in', ACTIVE)
      .returning(LIGHT_COLUMNS)
      .executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /**
   * Ends a job, fenced by its attempt (a stalled attempt waking up after a takeover writes nothing);
   * a completed job's history row is written in the same transaction. False when fenced out.
   */
  async finish(id: string, attempt: number | undefined, outcome: UpsertOutcome): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const values =
        outcome.status === 'completed'
          ? { status: 'completed', result: JSON.stringify(outcome.result), addedDocs: JSON.stringify(outcome.addedDocs), finishedDate: now }
          : { status: outcome.status, error: outcome.error, errorCode: outcome.errorCode, finishedDate: now };
      let update = trx.updateTable('upsert_job').set(values).where('id', '=', id).where('status', 'in', ACTIVE);
      if (attempt !== undefined) update = update.where('attempt', '=', attempt);
      const done = await update.executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) return false;
      // Document store processing without an insert indexes nothing, so it leaves no history.
      if (outcome.status === 'completed' && outcome.history) {
        const job = await trx.selectFrom('upsert_job').select('chatflowId').where('id', '=', id).executeTakeFirstOrThrow();
        await trx
          .insertInto('upsert_history')
          .values({
            id: randomUUID(),
            chatflowid: job.chatflowId,
            result: JSON.stringify(outcome.history!.result),
            flowData: JSON.stringify(outcome.history!.flowData),
            date: now,
          })
          .execute();
      }
      return true;
    });
  }

  /**
   * Deletes finished jobs (with their addedDocs) that ended before `before` (ISO date), `batch` rows a
   * statement, yielding to the event loop between statements (SQLite's are synchronous). Answers how many.
   */
  async pruneFinished(before: string, batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.db.selectFrom('upsert_job').select('id').where('finishedDate', '<', before).where('status', 'in', FINISHED).limit(batch).execute();
      if (ids.length === 0) return total;
      const done = await this.db.deleteFrom('upsert_job').where('id', 'in', ids.map((r) => r.id)).executeTakeFirst();
      total += Number(done.numDeletedRows);
      if (ids.length < batch) return total;
      await yieldToLoop();
    }
  }

  /** A deleted chatflow's finished upsert jobs and its upsert history (jobs still active finish first; the pruner takes them). */
  async deleteByChatflow(chatflowId: string): Promise<void> {
    await this.db.deleteFrom('upsert_job').where('chatflowId', '=', chatflowId).where('status', 'in', FINISHED).execute();
    await this.db.deleteFrom('upsert_history').where('chatflowid', '=', chatflowId).execute();
  }

  /** The executor's sign of life for an attempt (fenced: a superseded attempt writes nothing). */
  async heartbeat(id: string, attempt: number): Promise<void> {
    await this.db
      .updateTable('upsert_job')
      .set({ heartbeatDate: nowIso() })
      .where('id', '=', id)
      .where('attempt', '=', attempt)
      .where('status', '=', 'running')
      .execute();
  }

  /** `GET /upsert-history/:chatflowid`: by date, ASC unless DESC, within the optional date range. */
  async history(chatflowId: string, options: { order: 'ASC' | 'DESC'; startDate?: string; endDate?: string }): Promise<UpsertHistoryRecord[]> {
    let query = this.db.selectFrom('upsert_history').selectAll().where('chatflowid', '=', chatflowId);
    if (options.startDate) query = query.where('date', '>=', options.startDate);
    if (options.endDate) query = query.where('date', '<=', options.endDate);
    const rows = await query.orderBy('date', options.order === 'DESC' ? 'desc' : 'asc').execute();
    return rows.map(toHistory);
  }

  /** Deletes history rows; answers the ids that did not exist (nothing is deleted then). */
  async deleteHistory(ids: string[]): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const found = await trx.selectFrom('upsert_history').select('id').where('id', 'in', ids).execute();
      const known = new Set(found.map((r) => r.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) return missing;
      await trx.deleteFrom('upsert_history').where('id', 'in', ids).execute();
      return [];
    });
  }
}
