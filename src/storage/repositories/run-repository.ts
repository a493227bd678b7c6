import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { RunTable } from '../schema.js';
import { type NewChatMessage, toMessageRow } from './chat-message-repository.js';
import { deleteFinishedRuns } from './owner-cleanup.js';
import { fromJsonColumn, nowIso } from './json-columns.js';
import { type RunListFilter, listRuns } from './run-list.js';
import type { Page } from './paging.js';
import { RunQueries } from './run-queries.js';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'aborted';
export type TerminalRunStatus = Exclude<RunStatus, 'queued' | 'running'>;

export const ACTIVE_STATUSES: RunStatus[] = ['queued', 'running'];

/** One prediction. `input` is the request as the server accepted it (parsed by the runner layer). */
export interface RunRecord {
  id: string;
  chatflowId: string;
  chatId: string;
  sessionId: string;
  status: RunStatus;
  attempt: number;
  input: unknown;
  result?: unknown;
  error?: string;
  streaming: boolean;
  detachable: boolean;
  cancelRequested: boolean;
  idempotencyKey?: string;
  apiMessageId: string;
  chatflowVersion?: number;
  createdDate: string;
  startedDate?: string;
  finishedDate?: string;
  /** The failure's ErrorCode and the node that raised it, when the run failed or was aborted. */
  errorCode?: string;
  errorNodeId?: string;
  /** The per-node trace stored when the run ended (NodeTraceEntry[]; see engine/events/run-event.ts). */
  trace?: unknown[];
}

export interface NewRun {
  id: string;
  chatflowId: string;
  chatId: string;
  sessionId: string;
  input: unknown;
  streaming: boolean;
  detachable: boolean;
  idempotencyKey?: string;
  apiMessageId: string;
  chatflowVersion?: number;
}

export interface RunOutcome {
  status: TerminalRunStatus;
  result?: unknown;
  error?: string;
  /** ErrorCode of a failure, and the flowData node id it came from (kept for the executions page). */
  errorCode?: string;
  errorNodeId?: string;
  /** The run's final per-node trace entries. */
  trace?: unknown[];
}

function toRun(row: Selectable<RunTable>): RunRecord {
  const run: RunRecord = {
    id: row.id,
    chatflowId: row.chatflowId,
    chatId: row.chatId,
    sessionId: row.sessionId,
    status: row.status as RunStatus,
    attempt: Number(row.attempt),
    input: fromJsonColumn(row.input),
    streaming: row.streaming !== 0,
    detachable: row.detachable !== 0,
    cancelRequested: row.cancelRequested !== 0,
    apiMessageId: row.apiMessageId,
    createdDate: row.createdDate,
  };
  if (row.result !== null) run.result = fromJsonColumn(row.result);
  if (row.error !== null) run.error = row.error;
  if (row.idempotencyKey !== null) run.idempotencyKey = row.idempotencyKey;
  if (row.chatflowVersion !== null) run.chatflowVersion = Number(row.chatflowVersion);
  if (row.startedDate !== null) run.startedDate = row.startedDate;
  if (row.finishedDate !== null) run.finishedDate = row.finishedDate;
  if (row.errorCode !== null) run.errorCode = row.errorCode;
  if (row.errorNodeId !== null) run.errorNodeId = row.errorNodeId;
  if (row.trace !== null && row.trace !== undefined) run.trace = fromJsonColumn(row.trace) as unknown[];
  return run;
}

export class RunRepository {
  /** The per-prediction statements, built once (the rest use Kysely's builder per call). */
  private readonly queries: RunQueries;

  constructor(
    private readonly db: Db,
    dialect: 'sqlite' | 'postgres',
  ) {
    this.queries = new RunQueries(db, dialect);
  }

  /**
   * Inserts a queued run. With an idempotency key already used for this chatflow, nothing is inserted
   * and the existing run is returned with `created: false`. `claimed` stores it already running as its
   * first attempt (a runner that executes it at once saves the separate claim).
   */
  async create(input: NewRun, options: { claimed?: boolean } = {}): Promise<{ run: RunRecord; created: boolean }> {
    const now = nowIso();
    const row: RunTable = {
      id: input.id,
      chatflowId: input.chatflowId,
      chatId: input.chatId,
      sessionId: input.sessionId,
      status: options.claimed ? 'running' : 'queued',
      attempt: options.claimed ? 1 : 0,
      input: JSON.stringify(input.input),
      result: null,
      error: null,
      streaming: input.streaming ? 1 : 0,
      detachable: input.detachable ? 1 : 0,
      cancelRequested: 0,
      idempotencyKey: input.idempotencyKey ?? null,
      apiMessageId: input.apiMessageId,
      chatflowVersion: input.chatflowVersion ?? null,
      createdDate: now,
      startedDate: options.claimed ? now : null,
      finishedDate: null,
      errorCode: null,
      errorNodeId: null,
      trace: null,
    };
    if (input.idempotencyKey === undefined) {
      await this.queries.insertRun(row);
      return { run: toRun(row), created: true };
    }
    const inserted = await this.db
      .insertInto('run')
      .values(row)
      .onConflict((oc) => oc.columns(['chatflowId', 'idempotencyKey']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { run: toRun(row), created: true };
    const existing = await this.db
      .selectFrom('run')
      .selectAll()
      .where('chatflowId', '=', input.chatflowId)
      .where('idempotencyKey', '=', input.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { run: toRun(existing), created: false };
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const row = await this.db.selectFrom('run').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  /**
   * Takes a run for execution: bumps `attempt` and marks it running, unless it already ended (aborted
   * while queued, or finished by an earlier attempt) or an abort was requested. The returned attempt
   * number fences the result: only the attempt that claimed last may finish the run.
   */
  async claim(id: string): Promise<RunRecord | undefined> {
    const row = await this.queries.claim(id, nowIso());
    return row ? toRun(row) : undefined;
  }

  /** Records an abort of a running run (its worker is told too). True when the run was still active. */
  async requestCancel(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('run')
      .set({ cancelRequested: 1 })
      .where('id', '=', id)
      .where('status', 'in', ACTIVE_STATUSES)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Ends a run and stores its chat messages in one transaction. Returns false, writing nothing, when the
   * run already ended or another attempt has claimed it since (`attempt` given): so a run has exactly one
   * stored answer even when a stalled worker wakes up after another took over.
   */
  async finish(id: string, outcome: RunOutcome, messages: NewChatMessage[] = [], attempt?: number): Promise<boolean> {
    return this.queries.finish(
      {
        id,
        status: outcome.status,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error ?? null,
        errorCode: outcome.errorCode ?? null,
        errorNodeId: outcome.errorNodeId ?? null,
        trace: outcome.trace && outcome.trace.length > 0 ? JSON.stringify(outcome.trace) : null,
        finishedDate: nowIso(),
        ...(attempt !== undefined ? { attempt } : {}),
      },
      messages.map(toMessageRow),
    );
  }

  /** Aborts a run that no worker has taken yet. True when it was still queued. */
  async abortQueued(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('run')
      .set({ status: 'aborted', error: 'Aborted before it started', errorCode: 'RUN_ABORTED', finishedDate: nowIso() })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A deleted chatflow's finished runs (see owner-cleanup.ts). */
  deleteFinishedByChatflow(chatflowId: string): Promise<number> {
    return deleteFinishedRuns(this.db, chatflowId);
  }

  async countForChatflow(chatflowId: string): Promise<number> {
    const row = await this.db
      .selectFrom('run')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('chatflowId', '=', chatflowId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One page of runs, newest first, with the total that match (see run-list.ts). */
  async list(filter: RunListFilter, page: Page): Promise<{ data: Array<RunRecord & { chatflowName?: string }>; total: number }> {
    const { rows, total } = await listRuns(this.db, filter, page);
    const data = rows.map(({ chatflowName, ...row }) => (chatflowName === null ? toRun(row) : { ...toRun(row), chatflowName }));
    return { data, total };
  }

  /**
   * Waiting and running runs of one conversation (the Flowise abort route aborts all of them), or of the
   * whole chatflow without `chatId` (deleting a chatflow aborts them).
   */
  async activeFor(chatflowId: string, chatId?: string): Promise<RunRecord[]> {
    let query = this.db.selectFrom('run').selectAll().where('chatflowId', '=', chatflowId).where('status', 'in', ACTIVE_STATUSES);
    if (chatId !== undefined) query = query.where('chatId', '=', chatId);
    return (await query.execute()).map(toRun);
  }
}
