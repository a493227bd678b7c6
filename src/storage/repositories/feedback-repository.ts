import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { FeedbackTable } from '../schema.js';
import { nowIso } from './json-columns.js';

export type FeedbackRating = 'THUMBS_UP' | 'THUMBS_DOWN';

export interface Feedback {
  id: string;
  chatflowid: string;
  chatId: string;
  messageId: string;
  rating: FeedbackRating;
  content: string | null;
  createdDate: string;
}

const toFeedback = (row: Selectable<FeedbackTable>): Feedback => ({ ...row, rating: row.rating as FeedbackRating });

export class FeedbackRepository {
  constructor(private readonly db: Db) {}

  /** One feedback per message: a second rating of the same message replaces the first. */
  async upsert(input: Omit<Feedback, 'id' | 'createdDate'>): Promise<Feedback> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .updateTable('chat_message_feedback')
        .set({ rating: input.rating, content: input.content })
        .where('messageId', '=', input.messageId)
        .returningAll()
        .executeTakeFirst();
      if (existing) return toFeedback(existing);
      const row: FeedbackTable = { id: randomUUID(), createdDate: nowIso(), ...input };
      await trx.insertInto('chat_message_feedback').values(row).execute();
      return toFeedback(row);
    });
  }

  async get(id: string): Promise<Feedback | undefined> {
    const row = await this.db.selectFrom('chat_message_feedback').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toFeedback(row) : undefined;
  }

  async update(id: string, patch: { content?: string | null; rating?: FeedbackRating }): Promise<Feedback | undefined> {
    if (Object.keys(patch).length === 0) return this.get(id);
    const row = await this.db
      .updateTable('chat_message_feedback')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toFeedback(row) : undefined;
  }

  async list(chatflowid: string, chatId?: string): Promise<Feedback[]> {
    let query = this.db.selectFrom('chat_message_feedback').selectAll().where('chatflowid', '=', chatflowid);
    if (chatId) query = query.where('chatId', '=', chatId);
    return (await query.orderBy('createdDate', 'asc').execute()).map(toFeedback);
  }

  async forMessages(messageIds: string[]): Promise<Map<string, Feedback>> {
    if (messageIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('chat_message_feedback')
      .selectAll()
      .where('messageId', 'in', messageIds)
      .execute();
    return new Map(rows.map((row) => [row.messageId, toFeedback(row)]));
  }

  /** A conversation's feedback (Flowise removes it with the conversation's messages). */
  async deleteForChat(chatflowid: string, chatId: string): Promise<number> {
    const result = await this.db.deleteFrom('chat_message_feedback').where('chatflowid', '=', chatflowid).where('chatId', '=', chatId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
