import { type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import { ReusableQuery } from '../reusable-query.js';
import type { ChatMessageTable, RunTable } from '../schema.js';
import { toMessageRow } from './chat-message-repository.js';

/** The statuses a run can still be claimed or ended from (`ACTIVE_STATUSES`). */
const ACTIVE = ['queued', 'running'];

/** A chat message row's columns, in the order the insert statements list them. */
const MESSAGE_COLUMNS = Object.keys(
  toMessageRow({ id: '', role: 'userMessage', chatflowid: '', content: '', chatType: '', chatId: '', createdDate: '' }),
) as Array<keyof ChatMessageTable>;

const slotsOf = <K extends string>(columns: readonly K[], slot: (name: string) => string, prefix = '') =>
  Object.fromEntries(columns.map((c) => [c, slot(prefix + c)])) as Record<K, string>;
/** Slot names of `count` message rows, in the order `messageValues` lists their values. */
const messageSlots = (count: number) => Array.from({ length: count }, (_, i) => MESSAGE_COLUMNS.map((c) => `m${i}.${c}`)).flat();
const messageValues = (rows: ChatMessageTable[]) => rows.flatMap((row) => MESSAGE_COLUMNS.map((c) => row[c]));

/**
 * The statements a prediction runs on the run table (insert, claim, end), built once per shape with
 * Kysely and bound per call (see ReusableQuery): the per-prediction path skips Kysely's query building.
 */
export class RunQueries {
  private readonly claimStatement: ReusableQuery;
  /** Statements by shape: the insert by its columns, the end by fence and message count. */
  private readonly shapes = new Map<string, ReusableQuery>();

  constructor(
    private readonly db: Db,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {
    this.claimStatement = new ReusableQuery(['id', 'now'], (slot) =>
      db
        .updateTable('run')
        .set((eb) => ({ status: 'running', attempt: eb('attempt', '+', 1), startedDate: slot('now') }))
        .where('id', '=', slot('id'))
        .where('status', 'in', ACTIVE)
        .where('cancelRequested', '=', 0)
        .returningAll(),
    );
  }

  async insertRun(row: RunTable): Promise<void> {
    // Every column is a slot: the row's values, whatever they are, bind in place.
    const columns = Object.keys(row) as Array<keyof RunTable>;
    const insert = this.shape(`insert:${columns.join(',')}`, () =>
      new ReusableQuery(columns, (slot) => this.db.insertInto('run').values(slotsOf(columns, slot) as unknown as RunTable)),
    );
    await this.db.executeQuery(insert.bind(columns.map((c) => row[c])));
  }

  async claim(id: string, now: string): Promise<Selectable<RunTable> | undefined> {
    const result = await this.db.executeQuery<Selectable<RunTable>>(this.claimStatement.bind([id, now]));
    return result.rows[0];
  }

  /**
   * Ends an active run (of that attempt when `attempt` is given) and, in the same statement
   * (PostgreSQL) or transaction (SQLite), inserts its messages only if it did. True when it ended it.
   */
  async finish(
    values: {
      id: string;
      status: string;
      result: string | null;
      error: string | null;
      errorCode: string | null;
      errorNodeId: string | null;
      trace: string | null;
      finishedDate: string;
      attempt?: number;
    },
    messages: ChatMessageTable[],
  ): Promise<boolean> {
    const fenced = values.attempt !== undefined;
    const end = [values.id, values.status, values.result, values.error, values.errorCode, values.errorNodeId, values.trace, values.finishedDate, ...(fenced ? [values.attempt] : [])];
    if (messages.length === 0 || this.dialect === 'postgres') {
      const result = await this.db.executeQuery(this.endStatement(fenced, messages.length).bind([...end, ...messageValues(messages)]));
      return Number(result.numAffectedRows ?? 0n) > 0;
    }
    return this.db.transaction().execute(async (trx) => {
      const ended = await trx.executeQuery(this.endStatement(fenced, 0).bind(end));
      if (Number(ended.numAffectedRows ?? 0n) === 0) return false;
      await trx.executeQuery(this.messageInsert(messages.length).bind(messageValues(messages)));
      return true;
    });
  }

  private shape(key: string, create: () => ReusableQuery): ReusableQuery {
    let statement = this.shapes.get(key);
    if (!statement) {
      statement = create();
      this.shapes.set(key, statement);
    }
    return statement;
  }

  private endStatement(fenced: boolean, messages: number): ReusableQuery {
    // In the order `finish` lists the values.
    const names = ['id', 'status', 'result', 'error', 'errorCode', 'errorNodeId', 'trace', 'finishedDate', ...(fenced ? ['attempt'] : []), ...messageSlots(messages)];
    return this.shape(`end:${fenced}:${messages}`, () =>
      new ReusableQuery(names, (slot) => {
        const update = this.db
          .updateTable('run')
          .set({
            status: slot('status'),
            result: slot('result'),
            error: slot('error'),
            errorCode: slot('errorCode'),
            errorNodeId: slot('errorNodeId'),
            trace: slot('trace'),
            finishedDate: slot('finishedDate'),
          })
          .where('id', '=', slot('id'))
          .where('status', 'in', ACTIVE)
          .$if(fenced, (q) => q.where('attempt', '=', slot('attempt') as unknown as number));
        if (messages === 0) return update;
        // One statement, one round trip: the insert happens only if the fenced update matched.
        const refs = sql.join(MESSAGE_COLUMNS.map((c) => sql.ref(c)));
        const tuples = sql.join(
          Array.from({ length: messages }, (_, i) => sql`(${sql.join(MESSAGE_COLUMNS.map((c) => slot(`m${i}.${c}`)))})`),
        );
        const statement = sql`with done as (${update.returning('id')}) insert into chat_message (${refs}) select * from (values ${tuples}) as v (${refs}) where exists (select 1 from done)`;
        return { compile: () => statement.compile(this.db) };
      }),
    );
  }

  private messageInsert(messages: number): ReusableQuery {
    return this.shape(`messages:${messages}`, () =>
      new ReusableQuery(messageSlots(messages), (slot) =>
        this.db.insertInto('chat_message').values(
          Array.from({ length: messages }, (_, i) => slotsOf(MESSAGE_COLUMNS, slot, `m${i}.`) as unknown as ChatMessageTable),
        ),
      ),
    );
  }
}
