import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../../shared/app-error.js';
import type { ChatFlowFields } from '../../storage/repositories/chatflow-repository.js';
import type { AppDeps } from '../app-deps.js';
import type { ChatflowCache } from '../services/chatflow-cache.js';
import { createChatflowSchema, updateChatflowSchema } from '../schemas/chatflow-body.js';
import { parseInput } from '../schemas/parse.js';

type IdParams = { id: string };

/** Chatflows CRUD (management API). PUT merges the given fields. */
export async function chatflowRoutes(app: FastifyInstance, deps: AppDeps, cache: ChatflowCache): Promise<void> {
  const { chatflows } = deps.repos;

  app.get('/api/v1/chatflows', async () => chatflows.list());

  app.get<{ Params: IdParams }>('/api/v1/chatflows/:id', async (request) => {
    const chatflow = await chatflows.get(request.params.id);
    if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', request.params.id);
    return chatflow;
  });

  app.post('/api/v1/chatflows', async (request, reply) => {
    const body = parseInput(createChatflowSchema, request.body);
    const fields: ChatFlowFields = {
      name: body.name,
      flowData: body.flowData,
      deployed: body.deployed ?? null,
      isPublic: body.isPublic ?? null,
      apikeyid: body.apikeyid ?? null,
      chatbotConfig: body.chatbotConfig ?? null,
      apiConfig: body.apiConfig ?? null,
      analytic: body.analytic ?? null,
      speechToText: body.speechToText ?? null,
      followUpPrompts: body.followUpPrompts ?? null,
      category: body.category ?? null,
      type: body.type ?? 'CHATFLOW',
    };
    if (body.id && (await chatflows.get(body.id))) {
      throw new AppError('CONFLICT', 409, `Chatflow ${body.id} already exists`);
    }
    const created = await chatflows.create(fields, body.id);
    return reply.code(200).send(created);
  });

  app.put<{ Params: IdParams }>('/api/v1/chatflows/:id', async (request) => {
    const patch = parseInput(updateChatflowSchema, request.body);
    const known: Partial<ChatFlowFields> = {};
    for (const key of Object.keys(updateChatflowSchema.shape) as Array<keyof ChatFlowFields>) {
      if (patch[key] !== undefined) (known as Record<string, unknown>)[key] = patch[key];
    }
    const updated = await chatflows.update(request.params.id, known);
    cache.invalidate(request.params.id);
    if (!updated) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', request.params.id);
    return updated;
  });

  app.delete<{ Params: IdParams }>('/api/v1/chatflows/:id', async (request) => {
    const deleted = await chatflows.delete(request.params.id);
    cache.invalidate(request.params.id);
    if (!deleted) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', request.params.id);
    await deps.repos.messages.deleteByChatflow(request.params.id);
    await deps.repos.summaries.deleteByChatflow(request.params.id);
    await deps.repos.uploads.deleteOwner(request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
