import { api } from './client';

/** A stored chat message as `GET /api/v1/chatmessage/:chatflowId` returns it (Flowise's shape). */
export interface StoredMessage {
  id: string;
  role: 'userMessage' | 'apiMessage';
  chatflowid: string;
  content: string;
  chatType: string;
  chatId: string;
  sessionId?: string;
  createdDate: string;
  sourceDocuments?: Array<{ pageContent?: string; metadata?: Record<string, unknown> }>;
  usedTools?: Array<{ tool?: string; toolInput?: unknown; toolOutput?: unknown }>;
  feedback?: Feedback | null;
}

/** Flowise's chat message feedback (thumbs of the embed / the chat panel). */
export interface Feedback {
  id: string;
  messageId: string;
  chatId: string;
  rating: 'THUMBS_UP' | 'THUMBS_DOWN';
  content: string | null;
}

/** One conversation of a chatflow (grouped by chatId, as Flowise's message viewer does). */
export interface ChatSession {
  chatId: string;
  sessionId?: string;
  chatType: string;
  firstMessage: string;
  firstDate: string;
  lastDate: string;
  count: number;
}

/** Most recent messages read to build the sessions list. */
export const SESSION_WINDOW = 1000;

/** Flowise's filters of the message list: where the chat came from, and feedback of one kind. */
export interface SessionFilter {
  /** `INTERNAL` (the web UI's test chat) or `EXTERNAL` (API, embed); empty: both. */
  chatType?: string;
  /** `THUMBS_UP` or `THUMBS_DOWN`: only conversations holding such a rating. */
  feedbackType?: string;
}

/** Sessions of a chatflow, newest activity first, from its latest `SESSION_WINDOW` messages that match `filter`. */
export async function listSessions(chatflowId: string, filter: SessionFilter = {}): Promise<ChatSession[]> {
  const query = new URLSearchParams({ order: 'DESC', page: '1', limit: String(SESSION_WINDOW) });
  if (filter.chatType) query.set('chatType', filter.chatType);
  if (filter.feedbackType) query.set('feedbackType', filter.feedbackType);
  const messages = await api<StoredMessage[]>('GET', `/chatmessage/${encodeURIComponent(chatflowId)}?${query}`);
  const sessions = new Map<string, ChatSession>();
  for (const m of messages) {
    // Newest first: each message seen later is older, so it becomes the session's first one.
    const session = sessions.get(m.chatId);
    if (!session) {
      sessions.set(m.chatId, { chatId: m.chatId, sessionId: m.sessionId, chatType: m.chatType, firstMessage: m.content, firstDate: m.createdDate, lastDate: m.createdDate, count: 1 });
      continue;
    }
    session.count += 1;
    if (m.role === 'userMessage' || session.firstMessage === '') session.firstMessage = m.content;
    session.firstDate = m.createdDate;
  }
  return [...sessions.values()];
}

/** A session's messages, oldest first, each with its feedback (null when none). */
export const sessionMessages = (chatflowId: string, chatId: string) =>
  api<StoredMessage[]>('GET', `/chatmessage/${encodeURIComponent(chatflowId)}?chatId=${encodeURIComponent(chatId)}&order=ASC&feedback=true`);

/** Deletes a session's messages (Flowise's query names); answers how many rows went. */
export const deleteSession = (chatflowId: string, chatId: string) =>
  api<{ affected: number }>('DELETE', `/chatmessage/${encodeURIComponent(chatflowId)}?chatId=${encodeURIComponent(chatId)}`);
