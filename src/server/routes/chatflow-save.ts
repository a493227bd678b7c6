import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, notFound } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { ChatFlow, ChatFlowFields } from '../../storage/repositories/chatflow-repository.js';
import type { SaveAuthor } from '../../storage/repositories/chatflow-version-repository.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { ChatflowCache } from '../services/chatflow-cache.js';
import { parseInput } from '../schemas/parse.js';

/** The chatflow's `version` as an entity tag, for `If-Match` on PUT and restore. */
export const etag = (chatflow: ChatFlow) => `"${chatflow.version}"`;

/** `If-Match: "<version>"` (or a bare number); undefined when absent or `*`. */
export function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!match) throw new AppError('VALIDATION_FAILED', 400, 'If-Match must be the chatflow\'s version, e.g. "3"');
  return Number(match[1]);
}

/**
 * `versionMessage`: an optional body field of POST/PUT /api/v1/chatflows (aimicromind's; Flowise ignores
 * unknown fields, so Flowise clients are unaffected). Blank counts as none.
 */
const versionMessageSchema = z.looseObject({ versionMessage: z.string().trim().max(1000).nullish() });

export async function saveAuthor(auth: Authenticator, request: FastifyRequest, body: unknown): Promise<SaveAuthor> {
  const message = body && typeof body === 'object' ? parseInput(versionMessageSchema, body).versionMessage : undefined;
  return { savedBy: await auth.describe(request), message: message || null };
}

/**
 * Saves a chatflow through the version history: 404 when it does not exist, 409 when `expected` is
 * stale; afterwards prunes the versions beyond CHATFLOW_VERSIONS_MAX (a failed prune only logs: the save
 * itself stands, the next one prunes again).
 */
export async function saveChatflow(
  deps: AppDeps,
  cache: ChatflowCache,
  log: Logger,
  save: { id: string; patch: Partial<ChatFlowFields>; author: SaveAuthor; expected: number | undefined },
): Promise<ChatFlow> {
  const { chatflows, chatflowVersions } = deps.repos;
  const updated = await chatflowVersions.save(save.id, save.patch, save.author, save.expected);
  cache.invalidate(save.id);
  if (!updated) {
    const current = save.expected === undefined ? undefined : await chatflows.get(save.id);
    if (!current) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', save.id);
    // "revision", not "version": the ETag counts every save (a rename too), the version list only flowData
    // changes, so "version 7" here would name a number the Versions list does not have.
    throw new AppError(
      'CONFLICT',
      409,
      `Chatflow ${save.id} was changed since revision ${save.expected} (now revision ${current.version}; the ETag counts every save, not the Versions list): reload it or overwrite`,
    );
  }
  if (save.patch.flowData !== undefined) {
    await chatflowVersions.prune(save.id, deps.config.chatflowVersionsMax).catch((error: unknown) => log.warn({ err: error, chatflowId: save.id }, 'pruning chatflow versions failed'));
  }
  return updated;
}
