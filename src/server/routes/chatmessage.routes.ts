import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatMessageFilter } from '../../storage/repositories/chat-message-repository.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';

/** A list query value: `A`, `A,B` or `["A","B"]`, each one of `allowed` (Flowise's enums). */
function listParam<const T extends readonly [string, ...string[]]>(allowed: T) {
  const message = `must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, or a list of them (A,B or ["A","B"])`;
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      let items: string[] | undefined;
      if (value.startsWith('[')) {
        try {
          const parsed = JSON.parse(value) as unknown;
          if (Array.isArray(parsed)) items = parsed.map(String);
        } catch {
          // fall through to comma splitting
        }
      }
      items ??= value.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `${message}; got ${unknown.map((u) => JSON.stringify(u.slice(0, 50))).join(', ')}` });
      return items as Array<T[number]>;
    });
}

/** A date as `new Date()` reads it (Flowise's parsing), compared as ISO 8601 text with the stored dates. */
const dateParam = z
  .string()
  .optional()
  .refine((value) => value === undefined || !Number.isNaN(Date.parse(value)), 'must be a date, e.g. 2024-05-01 or 2024-05-01T12:00:00Z')
  .transform((value) => (value ? new Date(value).toISOString() : undefined));

/** Ids a client chose (chatId, sessionId) are at most as long as a prediction allows. */
const idParam = z.string().max(500, 'must be at most 500 characters').optional();

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
  page: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').optional(),
  limit: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000').optional(),
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
    return { affected };
  });
}
