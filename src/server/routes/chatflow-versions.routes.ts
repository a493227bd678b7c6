import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, notFound } from '../../shared/app-error.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { ChatflowCache } from '../services/chatflow-cache.js';
import { parseInput } from '../schemas/parse.js';
import { etag, expectedVersion, saveChatflow } from './chatflow-save.js';

type VersionParams = { id: string; n: string };

/** Version numbers are 1, 2, 3…: anything else is a 400 naming the value. */
function versionNumber(raw: string): number {
  const n = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw new AppError('VALIDATION_FAILED', 400, `Version number must be a positive integer, got "${raw}"`);
  return n;
}

/** Restore's optional body: a message for the new version (default "Restored version n"). */
const restoreBodySchema = z.looseObject({ versionMessage: z.string().trim().max(1000).nullish() });

/**
 * A chatflow's versions (management API, same auth as the chatflow routes): the list (newest first, the
 * first entry `current: true` is the flowData the chatflow holds now), one version with its flowData, and
 * restoring one as a new save (If-Match honoured as on PUT; answers the updated chatflow).
 */
export async function chatflowVersionRoutes(app: FastifyInstance, deps: AppDeps, cache: ChatflowCache, auth: Authenticator): Promise<void> {
  const { chatflows, chatflowVersions } = deps.repos;
  const log = deps.logger.child({ module: 'chatflow-versions' });

  const existing = async (id: string) => {
    const chatflow = await chatflows.get(id);
    if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', id);
    return chatflow;
  };
  const version = async (id: string, raw: string) => {
    const n = versionNumber(raw);
    await existing(id);
    const found = await chatflowVersions.get(id, n);
    if (!found) throw new AppError('CHATFLOW_VERSION_NOT_FOUND', 404, `Chatflow ${id} has no version ${n} (never saved, or pruned)`);
    return found;
  };

  app.get<{ Params: { id: string } }>('/api/v1/chatflows/:id/versions', async (request) => {
    await existing(request.params.id);
    return chatflowVersions.list(request.params.id);
  });

  app.get<{ Params: VersionParams }>('/api/v1/chatflows/:id/versions/:n', async (request) => version(request.params.id, request.params.n));

  app.post<{ Params: VersionParams }>('/api/v1/chatflows/:id/versions/:n/restore', async (request, reply) => {
    const expected = expectedVersion(request.headers['if-match']);
    const body = request.body === undefined || request.body === null ? {} : parseInput(restoreBodySchema, request.body);
    const restored = await version(request.params.id, request.params.n);
    const author = { savedBy: await auth.describe(request), message: body.versionMessage || `Restored version ${restored.n}`, always: true };
    const updated = await saveChatflow(deps, cache, log, { id: request.params.id, patch: { flowData: restored.flowData }, author, expected });
    return reply.header('ETag', etag(updated)).send(updated);
  });
}
