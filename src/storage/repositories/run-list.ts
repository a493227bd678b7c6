import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { DatabaseSchema, RunTable } from '../schema.js';
import type { Page } from './paging.js';

/** What the runs list can be narrowed by; dates are ISO-8601 UTC text, compared with `createdDate`. */
export interface RunListFilter {
  chatflowId?: string;
  statuses?: string[];
  sessionId?: string;
  chatId?: string;
  /** Runs created at or after this instant. */
  from?: string;
  /** Runs created at or before this instant. */
  to?: string;
}

const STATUSES = new Set(['queued', 'running', 'completed', 'failed', 'aborted']);

/**
 * The status condition. Known statuses are written as literals, not bound: both SQLite and PostgreSQL
 * can then match `status = 'failed'` against the partial index `run_failed_idx` (a bound value is not
 * known when the statement is planned).
 */
function statusIn(eb: ExpressionBuilder<DatabaseSchema, 'run'>, statuses: string[]) {
  if (!statuses.every((s) => STATUSES.has(s))) return eb('run.status', 'in', statuses);
  if (statuses.length === 1) return eb('run.status', '=', sql.lit(statuses[0]!));
  return eb('run.status', 'in', statuses.map((s) => sql.lit(s)));
}

function matches(filter: RunListFilter) {
  return (eb: ExpressionBuilder<DatabaseSchema, 'run'>) => {
    const conditions = [];
    if (filter.chatflowId) conditions.push(eb('run.chatflowId', '=', filter.chatflowId));
    if (filter.statuses && filter.statuses.length > 0) conditions.push(statusIn(eb, filter.statuses));
    if (filter.sessionId) conditions.push(eb('run.sessionId', '=', filter.sessionId));
    if (filter.chatId) conditions.push(eb('run.chatId', '=', filter.chatId));
    if (filter.from) conditions.push(eb('run.createdDate', '>=', filter.from));
    if (filter.to) conditions.push(eb('run.createdDate', '<=', filter.to));
    return eb.and(conditions);
  };
}

/** The run columns the list reads: all but `trace`, which only the single run's view shows. */
const LIST_COLUMNS = [
  'id', 'chatflowId', 'chatId', 'sessionId', 'status', 'attempt', 'input', 'result', 'error', 'streaming', 'detachable',
  'cancelRequested', 'idempotencyKey', 'apiMessageId', 'chatflowVersion', 'createdDate', 'startedDate', 'finishedDate',
  'errorCode', 'errorNodeId',
] as const satisfies ReadonlyArray<Exclude<keyof RunTable, 'trace'>>;

/**
 * One page of runs, newest first (`createdDate`, then `id` so equal dates page stably), each with its
 * chatflow's name (null once the chatflow is gone) and without its trace, and how many runs match in all. The page is cut in
 * SQL, and the order and the usual filters are served by the indexes of migration 012-run-list.
 */
export async function listRuns(db: Db, filter: RunListFilter, page: Page): Promise<{ rows: Array<Selectable<RunTable> & { chatflowName: string | null }>; total: number }> {
  const rows = db
    .selectFrom('run')
    .leftJoin('chat_flow', 'chat_flow.id', 'run.chatflowId')
    .select(LIST_COLUMNS.map((column) => `run.${column}` as const))
    .select([sql<string | null>`null`.as('trace'), 'chat_flow.name as chatflowName'])
    .where(matches(filter))
    .orderBy('run.createdDate', 'desc')
    .orderBy('run.id', 'desc')
    .limit(page.limit)
    .offset((page.page - 1) * page.limit)
    .execute();
  const count = db
    .selectFrom('run')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where(matches(filter))
    .executeTakeFirstOrThrow();
  const [data, { n }] = await Promise.all([rows, count]);
  return { rows: data, total: Number(n) };
}
