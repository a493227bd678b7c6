import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatMessageFilter } from '../../storage/repositories/chat-message-repository.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';
import { dateParam, idParam, limitParam, listParam, pageParam } from '../schemas/query-params.js';

const filterQuery = z.looseObject({
  chatId: idParam,
  sessionId: idParam,
  chatType: listParam(['INTERNAL', 'EXTERNAL']),
  memoryType: z.string().optional(),
  messageId: idParam,
  startDate: dateParam,
  endDate: dateParam,
});

const listQuery = filterQuery.extend({
  order: z.enum(['ASC', 'DESC', 'asc', 'desc'], { error: 'must be ASC or DESC' }).optional(),
  feedback: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  feedbackType: listParam(['THUMBS_UP', 'THUMBS_DOWN']),
  page: pageParam.optional(),
  limit: limitParam(10000).optional(),
});

function toFilter(chatflowid: string, query: z.infer<typeof filterQuery>): ChatMessageFilter {
  return {
    chatflowid,
    chatId: query.chatId,
    sessionId: query.sessionId,
    chatTypes: query.chatType,
    memoryType: query.memoryType,
    messageId: query.messageId,
    startDate: query.startDate,
    endDate: query.endDate,
  };
}

/** Chat history listing and deletion (management API). */
export async function chatMessageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { messages, feedback } = deps.repos;

  app.get<{ Params: { chatflowId: string } }>('/api/v1/chatmessage/:chatflowId', async (request) => {
    const query = parseInput(listQuery, request.query, 'Query');
    const list = await messages.list(toFilter(request.params.chatflowId, query), {
      order: query.order?.toUpperCase() === 'DESC' ? 'DESC' : 'ASC',
      ...(query.page ? { page: query.page } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    if (query.feedback !== 'true' && !query.feedbackType) return list;
    const ratings = await feedback.forMessages(list.map((m) => m.id));
    const withFeedback = list.map((m) => ({ ...m, feedback: ratings.get(m.id) ?? null }));
    if (!query.feedbackType) return withFeedback;
    // Keep whole conversations that hold a rating of the requested type.
    const chats = new Set(withFeedback.filter((m) => m.feedback && query.feedbackType!.includes(m.feedback.rating)).map((m) => m.chatId));
    return withFeedback.filter((m) => chats.has(m.chatId));
  });

  app.delete<{ Params: { chatflowId: string } }>('/api/v1/chatmessage/:chatflowId', async (request) => {
    const query = parseInput(filterQuery, request.query, 'Query');
    const affected = await messages.delete(toFilter(request.params.chatflowId, query));
    // As Flowise does: a conversation's feedback goes with it (it would rate messages that are gone).
    if (query.chatId) await feedback.deleteForChat(request.params.chatflowId, query.chatId);
    return { affected };
  });
}
