import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { ChatMessageTable, DatabaseSchema } from '../schema.js';
import { fromJsonColumn, toJsonColumn } from './json-columns.js';

export type MessageRole = 'userMessage' | 'apiMessage';

export interface ChatMessage {
  id: string;
  role: MessageRole;
  chatflowid: string;
  content: string;
  chatType: string;
  chatId: string;
  sessionId?: string;
  memoryType?: string;
  createdDate: string;
  sourceDocuments?: unknown;
  usedTools?: unknown;
  fileAnnotations?: unknown;
  agentReasoning?: unknown;
  fileUploads?: unknown;
  artifacts?: unknown;
  action?: unknown;
  followUpPrompts?: string;
  leadEmail?: string;
  runId?: string;
}

export type NewChatMessage = Omit<ChatMessage, 'createdDate'> & { createdDate: string };

export interface ChatMessageFilter {
  chatflowid: string;
  chatId?: string;
  sessionId?: string;
  chatTypes?: string[];
  memoryType?: string;
  messageId?: string;
  startDate?: string;
  endDate?: string;
}

export interface ListOptions {
  order: 'ASC' | 'DESC';
  page?: number;
  limit?: number;
}

/** What memory nodes read: the conversation of one session, oldest first. */
export interface HistoryMessage {
  role: MessageRole;
  content: string;
}

const JSON_FIELDS = [
  'sourceDocuments',
  'usedTools',
  'fileAnnotations',
  'agentReasoning',
  'fileUploads',
  'artifacts',
  'action',
] as const;

export function toMessageRow(message: NewChatMessage): ChatMessageTable {
  return {
    id: message.id,
    role: message.role,
    chatflowid: message.chatflowid,
    content: message.content,
    chatType: message.chatType,
    chatId: message.chatId,
    sessionId: message.sessionId ?? null,
    memoryType: message.memoryType ?? null,
    createdDate: message.createdDate,
    sourceDocuments: toJsonColumn(message.sourceDocuments),
    usedTools: toJsonColumn(message.usedTools),
    fileAnnotations: toJsonColumn(message.fileAnnotations),
    agentReasoning: toJsonColumn(message.agentReasoning),
    fileUploads: toJsonColumn(message.fileUploads),
    artifacts: toJsonColumn(message.artifacts),
    action: toJsonColumn(message.action),
    followUpPrompts: message.followUpPrompts ?? null,
    leadEmail: message.leadEmail ?? null,
    runId: message.runId ?? null,
  };
}

function toMessage(row: Selectable<ChatMessageTable>): ChatMessage {
  const message: ChatMessage = {
    id: row.id,
    role: row.role as MessageRole,
    chatflowid: row.chatflowid,
    content: row.content,
    chatType: row.chatType,
    chatId: row.chatId,
    createdDate: row.createdDate,
  };
  if (row.sessionId !== null) message.sessionId = row.sessionId;
  if (row.memoryType !== null) message.memoryType = row.memoryType;
  for (const field of JSON_FIELDS) {
    const value = fromJsonColumn(row[field]);
    if (value !== undefined) message[field] = value;
  }
  if (row.followUpPrompts !== null) message.followUpPrompts = row.followUpPrompts;
  if (row.leadEmail !== null) message.leadEmail = row.leadEmail;
  if (row.runId !== null) message.runId = row.runId;
  return message;
}

export class ChatMessageRepository {
  constructor(private readonly db: Db) {}

  private matches(filter: ChatMessageFilter) {
    return (eb: ExpressionBuilder<DatabaseSchema, 'chat_message'>) => {
      const conditions = [eb('chatflowid', '=', filter.chatflowid)];
      if (filter.chatId) conditions.push(eb('chatId', '=', filter.chatId));
      if (filter.sessionId) conditions.push(eb('sessionId', '=', filter.sessionId));
      if (filter.chatTypes && filter.chatTypes.length > 0) conditions.push(eb('chatType', 'in', filter.chatTypes));
      if (filter.memoryType) conditions.push(eb('memoryType', '=', filter.memoryType));
      if (filter.messageId) conditions.push(eb('id', '=', filter.messageId));
      if (filter.startDate) conditions.push(eb('createdDate', '>=', filter.startDate));
      if (filter.endDate) conditions.push(eb('createdDate', '<=', filter.endDate));
      return eb.and(conditions);
    };
  }

  async list(filter: ChatMessageFilter, options: ListOptions): Promise<ChatMessage[]> {
    const direction = options.order === 'DESC' ? 'desc' : 'asc';
    let query = this.db
      .selectFrom('chat_message')
      .selectAll()
      .where(this.matches(filter))
      .orderBy('createdDate', direction)
      .orderBy('id', direction);
    if (options.limit !== undefined) {
      query = query.limit(options.limit).offset(((options.page ?? 1) - 1) * options.limit);
    }
    return (await query.execute()).map(toMessage);
  }

  /** The stored conversation of a session (api-contract memory: keyed by sessionId and chatflow). */
  async history(chatflowid: string, sessionId: string): Promise<HistoryMessage[]> {
    const rows = await this.db
      .selectFrom('chat_message')
      .select(['role', 'content'])
      .where('chatflowid', '=', chatflowid)
      .where('sessionId', '=', sessionId)
      .orderBy('createdDate', 'asc')
      .execute();
    return rows.map((row) => ({ role: row.role as MessageRole, content: row.content }));
  }

  async get(id: string): Promise<ChatMessage | undefined> {
    const row = await this.db.selectFrom('chat_message').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toMessage(row) : undefined;
  }

  async delete(filter: ChatMessageFilter): Promise<number> {
    const result = await this.db.deleteFrom('chat_message').where(this.matches(filter)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteByChatflow(chatflowid: string): Promise<void> {
    await this.db.deleteFrom('chat_message').where('chatflowid', '=', chatflowid).execute();
  }
}
