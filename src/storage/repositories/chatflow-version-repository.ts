import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type { ChatFlowVersionTable } from '../schema.js';
import { type ChatFlow, type ChatFlowFields, ChatFlowRepository } from './chatflow-repository.js';
import { nowIso } from './json-columns.js';

/** Who made a save, and the message they gave it (both shown in the version list). */
export interface SaveAuthor {
  savedBy: string | null;
  message?: string | null;
  /** A new version even when the flowData is unchanged (a restore is a save the user asked for). */
  always?: boolean;
}

/** One entry of a chatflow's version list; `current` marks the flowData the chatflow holds now. */
export interface ChatFlowVersionSummary {
  n: number;
  savedBy: string | null;
  savedDate: string;
  message: string | null;
  current: boolean;
}

export interface ChatFlowVersion extends ChatFlowVersionSummary {
  flowData: string;
}

const ACTIVE = ['queued', 'running'];

/**
 * Chatflow versions (migration 010): every flowData a chatflow had, numbered 1, 2, 3… per chatflow; the
 * newest entry is the current flowData. Saves go through here so the chatflow row and its history change
 * in one transaction.
 */
export class ChatFlowVersionRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  /** Creates a chatflow and its version 1. */
  async create(fields: ChatFlowFields, author: SaveAuthor, id?: string): Promise<ChatFlow> {
    return this.db.transaction().execute(async (trx) => {
      const created = await new ChatFlowRepository(trx).create(fields, id);
      await insertVersion(trx, created.id, 1, created.version, created.flowData, author);
      return created;
    });
  }

  /**
   * Merges `patch` into the chatflow (ChatFlowRepository.update: undefined when missing or not at
   * `expectedVersion`). When the flowData changes, the new flowData becomes the next numbered version; a
   * chatflow without any version yet first gets its previous flowData as version 1 (author unknown).
   */
  async save(id: string, patch: Partial<ChatFlowFields>, author: SaveAuthor, expectedVersion?: number): Promise<ChatFlow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('chat_flow').select(['flowData', 'updatedDate']).where('id', '=', id);
      // Holds the row from this read on, so `before` is what this save replaces even when saves race.
      if (this.dialect === 'postgres') query = query.forUpdate();
      const before = await query.executeTakeFirst();
      if (!before) return undefined;
      const updated = await new ChatFlowRepository(trx).update(id, patch, expectedVersion);
      if (!updated || patch.flowData === undefined || (patch.flowData === before.flowData && !author.always)) return updated;
      let last = await lastNumber(trx, id);
      if (last === 0) {
        await insertVersion(trx, id, 1, 0, before.flowData, { savedBy: null }, before.updatedDate);
        last = 1;
      }
      await insertVersion(trx, id, last + 1, updated.version, updated.flowData, author);
      return updated;
    });
  }

  /** Newest first, without flowData bodies. */
  async list(chatflowId: string): Promise<ChatFlowVersionSummary[]> {
    const rows = await this.db
      .selectFrom('chat_flow_version')
      .select(['n', 'savedBy', 'savedDate', 'message'])
      .where('chatflowId', '=', chatflowId)
      .orderBy('n', 'desc')
      .execute();
    return rows.map((row, index) => ({ ...row, n: Number(row.n), current: index === 0 }));
  }

  async get(chatflowId: string, n: number): Promise<ChatFlowVersion | undefined> {
    const row = await this.db
      .selectFrom('chat_flow_version')
      .select(['n', 'savedBy', 'savedDate', 'message', 'flowData'])
      .where('chatflowId', '=', chatflowId)
      .where('n', '=', n)
      .executeTakeFirst();
    if (!row) return undefined;
    return { ...row, n: Number(row.n), current: (await lastNumber(this.db, chatflowId)) === Number(row.n) };
  }

  /** The flowData the chatflow had while its row counter was `rowVersion`; undefined once pruned. */
  async flowDataAt(chatflowId: string, rowVersion: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('chat_flow_version')
      .select('flowData')
      .where('chatflowId', '=', chatflowId)
      .where('rowVersion', '<=', rowVersion)
      .orderBy('rowVersion', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.flowData;
  }

  /**
   * Keeps the current version and the newest `keepPrevious` before it, plus any version a queued or
   * running run or upsert job was validated against (it still has to run that flowData). Returns how
   * many versions were deleted.
   */
  async prune(chatflowId: string, keepPrevious: number): Promise<number> {
    const rows = await this.db
      .selectFrom('chat_flow_version')
      .select(['id', 'rowVersion'])
      .where('chatflowId', '=', chatflowId)
      .orderBy('n', 'desc')
      .execute();
    if (rows.length <= keepPrevious + 1) return 0;
    const keep = new Set(rows.slice(0, keepPrevious + 1).map((row) => row.id));
    for (const counter of await this.pinnedCounters(chatflowId)) {
      const needed = rows.find((row) => Number(row.rowVersion) <= counter);
      if (needed) keep.add(needed.id);
    }
    const doomed = rows.filter((row) => !keep.has(row.id)).map((row) => row.id);
    for (let i = 0; i < doomed.length; i += 500) {
      await this.db.deleteFrom('chat_flow_version').where('id', 'in', doomed.slice(i, i + 500)).execute();
    }
    return doomed.length;
  }

  async deleteByChatflow(chatflowId: string): Promise<void> {
    await this.db.deleteFrom('chat_flow_version').where('chatflowId', '=', chatflowId).execute();
  }

  /** Chatflow row counters that queued or running runs and upsert jobs were validated against. */
  private async pinnedCounters(chatflowId: string): Promise<number[]> {
    const counters: number[] = [];
    for (const table of ['run', 'upsert_job'] as const) {
      const rows = await this.db
        .selectFrom(table)
        .select('chatflowVersion')
        .distinct()
        .where('chatflowId', '=', chatflowId)
        .where('status', 'in', ACTIVE)
        .where('chatflowVersion', 'is not', null)
        .execute();
      counters.push(...rows.map((row) => Number(row.chatflowVersion)));
    }
    return counters;
  }
}

async function lastNumber(db: Db, chatflowId: string): Promise<number> {
  const row = await db
    .selectFrom('chat_flow_version')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('chatflowId', '=', chatflowId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function insertVersion(db: Db, chatflowId: string, n: number, rowVersion: number, flowData: string, author: SaveAuthor, savedDate = nowIso()): Promise<void> {
  const row: ChatFlowVersionTable = {
    id: randomUUID(),
    chatflowId,
    n,
    rowVersion,
    flowData,
    savedBy: author.savedBy,
    message: author.message ?? null,
    savedDate,
  };
  await db.insertInto('chat_flow_version').values(row).execute();
}
