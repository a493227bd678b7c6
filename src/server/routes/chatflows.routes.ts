import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../../shared/app-error.js';
import type { ChatFlowFields } from '../../storage/repositories/chatflow-repository.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { ChatflowCache } from '../services/chatflow-cache.js';
import { createChatflowSchema, updateChatflowSchema } from '../schemas/chatflow-body.js';
import { parseInput } from '../schemas/parse.js';
import { etag, expectedVersion, saveAuthor, saveChatflow } from './chatflow-save.js';

type IdParams = { id: string };

/**
 * Chatflows CRUD (management API). PUT merges the given fields. Creating and saving go through the
 * version history (chatflow-versions.routes.ts): a changed flowData becomes the next numbered version,
 * with who saved it and the optional body field `versionMessage`.
 */
export async function chatflowRoutes(app: FastifyInstance, deps: AppDeps, cache: ChatflowCache, auth: Authenticator): Promise<void> {
  const { chatflows } = deps.repos;
  const log = deps.logger.child({ module: 'chatflows' });

  app.get('/api/v1/chatflows', async () => chatflows.list());

  app.get<{ Params: IdParams }>('/api/v1/chatflows/:id', async (request, reply) => {
    const chatflow = await chatflows.get(request.params.id);
    if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', request.params.id);
    return reply.header('ETag', etag(chatflow)).send(chatflow);
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
    const created = await deps.repos.chatflowVersions.create(fields, await saveAuthor(auth, request, request.body), body.id);
    return reply.code(200).header('ETag', etag(created)).send(created);
  });

  // With If-Match, a save based on a stale version gets 409 instead of overwriting newer work.
  app.put<{ Params: IdParams }>('/api/v1/chatflows/:id', async (request, reply) => {
    const expected = expectedVersion(request.headers['if-match']);
    const patch = parseInput(updateChatflowSchema, request.body);
    const known: Partial<ChatFlowFields> = {};
    for (const key of Object.keys(updateChatflowSchema.shape) as Array<keyof ChatFlowFields>) {
      if (patch[key] !== undefined) (known as Record<string, unknown>)[key] = patch[key];
    }
    const author = await saveAuthor(auth, request, request.body);
    const updated = await saveChatflow(deps, cache, log, { id: request.params.id, patch: known, author, expected });
    return reply.header('ETag', etag(updated)).send(updated);
  });

  app.delete<{ Params: IdParams }>('/api/v1/chatflows/:id', async (request) => {
    const deleted = await chatflows.delete(request.params.id);
    cache.invalidate(request.params.id);
    if (!deleted) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', request.params.id);
    // Its waiting and running runs end first: a run finishing later would store messages nobody can reach.
    const active = await deps.repos.runs.activeFor(request.params.id);
    await Promise.all(active.map((run) => deps.runner.abort(run.id)));
    await deps.repos.messages.deleteByChatflow(request.params.id);
    await deps.repos.summaries.deleteByChatflow(request.params.id);
    await deps.repos.uploads.deleteOwner(request.params.id);
    // What its upserts and runs left: vectors keyed by it, upsert jobs and history, finished runs.
    await deps.repos.vectors.deleteChatflowCollections(request.params.id);
    await deps.repos.upserts.deleteByChatflow(request.params.id);
    await deps.repos.runs.deleteFinishedByChatflow(request.params.id);
    await deps.repos.chatflowVersions.deleteByChatflow(request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
