import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, notFound } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import { parseInput } from '../schemas/parse.js';

const rating = z.enum(['THUMBS_UP', 'THUMBS_DOWN'], { error: 'must be THUMBS_UP or THUMBS_DOWN' });

const createSchema = z.looseObject({
  chatId: z.string().min(1),
  messageId: z.string().min(1),
  rating,
  content: z.string().nullish(),
});

const updateSchema = z.looseObject({ content: z.string().nullish(), rating: rating.optional() });

/** Message feedback: public create/update (the embed's thumbs), management listing. */
export async function publicFeedbackRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { feedback, messages } = deps.repos;

  app.post<{ Params: { chatflowid: string } }>('/api/v1/feedback/:chatflowid', async (request) => {
    const body = parseInput(createSchema, request.body);
    const chatflowid = request.params.chatflowid;
    const message = await messages.get(body.messageId);
    if (!message || message.chatflowid !== chatflowid) {
      throw notFound('NOT_FOUND', 'Message', body.messageId);
    }
    if (message.chatId !== body.chatId) {
      throw new AppError('VALIDATION_FAILED', 400, `Message ${body.messageId} does not belong to chat ${body.chatId}`);
    }
    return feedback.upsert({
      chatflowid,
      chatId: body.chatId,
      messageId: body.messageId,
      rating: body.rating,
      content: body.content ?? null,
    });
  });

  app.put<{ Params: { id: string } }>('/api/v1/feedback/:id', async (request) => {
    const body = parseInput(updateSchema, request.body);
    const updated = await feedback.update(request.params.id, {
      ...(body.content !== undefined ? { content: body.content } : {}),
      ...(body.rating ? { rating: body.rating } : {}),
    });
    if (!updated) throw notFound('FEEDBACK_NOT_FOUND', 'Feedback', request.params.id);
    return updated;
  });
}

export async function feedbackManagementRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get<{ Params: { chatflowid: string }; Querystring: { chatId?: string } }>(
    '/api/v1/feedback/:chatflowid',
    async (request) => deps.repos.feedback.list(request.params.chatflowid, request.query.chatId),
  );
}
