import { randomUUID } from 'node:crypto';
import '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addFileStorageOverrides } from '../../engine/files/file-fields.js';
import { resolveUpsertPlan } from '../../engine/graph/upsert-plan.js';
import { parseOverrideSettings } from '../../engine/run/override-config.js';
import { waitForUpsert } from '../../runner/upsert/upsert-runner.js';
import { docstoreJobOf } from '../../runner/docstore/docstore-job.js';
import { AppError, ERROR_STATUS, isErrorCode, notFound } from '../../shared/app-error.js';
import type { ChatFlow } from '../../storage/repositories/chatflow-repository.js';
import type { UpsertJobRecord } from '../../storage/repositories/upsert-repository.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import { sendError, zodMessage } from '../plugins/error-handler.js';
import { jsonText } from '../schemas/json-text.js';
import type { ChatflowCache } from '../services/chatflow-cache.js';
import { readMultipart } from '../uploads/read-multipart.js';
import { checkLoaderField } from '../uploads/loader-fields.js';
import { findInlineFiles } from '../uploads/inline-files.js';
import type { IncomingFile, UploadService } from '../uploads/upload-service.js';

const jsonObject = jsonText(z.record(z.string(), z.unknown(), { error: 'must be an object' }));

const upsertBodySchema = z.looseObject({
  stopNodeId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  chatId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
  overrideConfig: jsonObject.optional(),
});

interface UpsertRequest {
  stopNodeId?: string;
  chatId?: string;
  overrideConfig?: Record<string, unknown>;
}

/** The answer of a finished job: Flowise's IndexingResult, or the job's error in our error shape. */
function sendJobResult(reply: FastifyReply, job: UpsertJobRecord): FastifyReply {
  if (job.status === 'completed') return reply.send({ ...(job.result as object), addedDocs: job.addedDocs ?? [] });
  const code = isErrorCode(job.errorCode) ? job.errorCode : 'INTERNAL';
  return sendError(reply, ERROR_STATUS[code], code, job.error ?? 'The upsert failed');
}

/** `true` or `1` (query flags as clients send them). */
const isTrue = (value: string | undefined) => value === 'true' || value === '1';

/**
 * A job as the poll route shows it: status and counts; `result.addedDocs` only when asked for
 * (`?addedDocs=true`), since a large upsert's documents are megabytes that a poll has no use for.
 */
const jobView = (job: UpsertJobRecord, withDocs: boolean) => ({
  id: job.id,
  // A document store's job is filed under the store's id (Flowise's fake chatflowid): named as what it is.
  ...(docstoreJobOf(job.input) ? { kind: 'documentStore', documentStoreId: job.chatflowId } : { chatflowId: job.chatflowId, chatId: job.chatId }),
  status: job.status,
  attempt: job.attempt,
  createdDate: job.createdDate,
  ...(job.finishedDate ? { finishedDate: job.finishedDate } : {}),
  ...(job.status === 'completed' ? { result: { ...(job.result as object), ...(withDocs ? { addedDocs: job.addedDocs ?? [] } : {}) } } : {}),
  ...(job.error ? { error: job.error, code: job.errorCode } : {}),
});

/**
 * `POST /api/v1/vector/upsert/:id` (Flowise's upsert API, api-contract.md P2) and the job status route
 * of its asynchronous form. Multipart files are stored in the database (never on this machine's disk)
 * and given to the loaders as `FILE-STORAGE::` names, so a worker on any machine reads them.
 */
export async function vectorRoutes(app: FastifyInstance, deps: AppDeps, auth: Authenticator, chatflows: ChatflowCache, uploads: UploadService): Promise<void> {
  const registry = deps.plans.registry;

  async function readRequest(chatflow: ChatFlow, request: FastifyRequest): Promise<UpsertRequest> {
    if (!request.isMultipart()) {
      const parsed = upsertBodySchema.safeParse(request.body ?? {});
      if (!parsed.success) throw new AppError('VALIDATION_FAILED', 400, zodMessage(parsed.error));
      const { overrideConfig, ...rest } = parsed.data;
      return { ...rest, ...(overrideConfig ? { overrideConfig: await storeFiles(chatflow, overrideConfig, []) } : {}) };
    }
    const { fields, files } = await readMultipart(request, deps.config.uploads, deps.config.server.bodyLimitBytes);
    // Flowise: the whole form becomes the overrideConfig; `vars` may arrive as a JSON string.
    const overrideConfig: Record<string, unknown> = { ...fields };
    if (typeof overrideConfig.vars === 'string') overrideConfig.vars = jsonObject.safeParse(overrideConfig.vars).data ?? overrideConfig.vars;
    return {
      ...(fields.stopNodeId ? { stopNodeId: fields.stopNodeId } : {}),
      ...(fields.chatId ? { chatId: fields.chatId } : {}),
      overrideConfig: await storeFiles(chatflow, overrideConfig, files, fields.stopNodeId || undefined),
    };
  }

  /**
   * Checks the request's files (multipart parts and data URIs inline in the overrideConfig) against the
   * upload limits, stores them in the database and gives the overrides their `FILE-STORAGE::` names:
   * the job row holds names, never file contents. A multipart file must reach a loader input enabled
   * for override (Flowise ignores it otherwise, its #3897).
   */
  async function storeFiles(chatflow: ChatFlow, overrideConfig: Record<string, unknown>, parts: IncomingFile[], stopNodeId?: string): Promise<Record<string, unknown>> {
    const inline = findInlineFiles(overrideConfig);
    if (parts.length === 0 && inline.files.length === 0) return overrideConfig;
    const checked = uploads.check([...parts, ...inline.files], { purpose: 'upserts' });
    const checkedParts = checked.slice(0, parts.length);
    if (checkedParts.length > 0) {
      const settings = parseOverrideSettings(chatflow.apiConfig);
      const plan = resolveUpsertPlan(chatflow.flowData, registry, stopNodeId);
      for (const file of checkedParts) checkLoaderField(plan, settings, file.name);
    }
    await uploads.store({ chatflowId: chatflow.id }, checked);
    return addFileStorageOverrides(inline.replaced ?? overrideConfig, checkedParts.map((f) => f.name));
  }

  app.post<{ Params: { id: string }; Querystring: { async?: string } }>('/api/v1/vector/upsert/:id', async (request, reply) => {
    const chatflow = await chatflows.get(request.params.id);
    if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', request.params.id);
    await auth.requireUpsertAccess(chatflow, request);
    const body = await readRequest(chatflow, request);
    // Checked here, so a flow that cannot be upserted answers 400 before any job exists.
    resolveUpsertPlan(chatflow.flowData, registry, body.stopNodeId);
    const sessionId = body.overrideConfig?.sessionId;
    const chatId = body.chatId ?? (typeof sessionId === 'string' && sessionId !== '' ? sessionId : randomUUID());
    const job = await deps.upserts.submit({
      chatflowId: chatflow.id,
      chatflowVersion: chatflow.version,
      chatId,
      input: { ...(body.stopNodeId ? { stopNodeId: body.stopNodeId } : {}), ...(body.overrideConfig ? { overrideConfig: body.overrideConfig } : {}) },
    });
    if (isTrue(request.query.async)) {
      const location = `/api/v1/vector/upsert-jobs/${job.id}`;
      return reply.code(202).header('Location', location).send({ id: job.id, status: job.status, location });
    }
    return sendJobResult(reply, await waitForUpsert(deps.repos.upserts, job.id, deps.config.upserts.timeoutMs));
  });

  app.get<{ Params: { jobId: string }; Querystring: { addedDocs?: string } }>('/api/v1/vector/upsert-jobs/:jobId', async (request) => {
    // Polls read the status and counts only; the added documents (megabytes for a large upsert) on request.
    const withDocs = isTrue(request.query.addedDocs);
    const job = await deps.repos.upserts.get(request.params.jobId, { addedDocs: withDocs });
    if (!job) throw new AppError('UPSERT_NOT_FOUND', 404, `Upsert ${request.params.jobId} not found`);
    const chatflow = await chatflows.get(job.chatflowId);
    if (chatflow) await auth.requireUpsertAccess(chatflow, request);
    else await auth.requireManagement(request);
    return jobView(job, withDocs);
  });
}

/** An ISO 8601 date-time, or a date alone (`2026-11-29`: that whole day, UTC), as the chat message routes take. */
const dateParam = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO 8601 date or date-time' }).optional();
const historyQuery = z.object({
  order: z.enum(['ASC', 'DESC'], { error: 'must be ASC or DESC' }).optional(),
  startDate: dateParam,
  endDate: dateParam,
});
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const deleteBody = z.object({ ids: z.array(z.string().min(1), { error: 'must be an array of ids' }) });

/** Flowise's upsert history (management API): listing by chatflow and deletion by ids. */
export async function upsertHistoryRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>('/api/v1/upsert-history/:id', async (request) => {
    const query = historyQuery.safeParse(request.query);
    if (!query.success) throw new AppError('VALIDATION_FAILED', 400, zodMessage(query.error));
    const iso = (value: string | undefined, dayEnd: string) => (value ? new Date(DATE_ONLY.test(value) ? `${value}${dayEnd}` : value).toISOString() : undefined);
    const startDate = iso(query.data.startDate, 'T00:00:00.000Z');
    const endDate = iso(query.data.endDate, 'T23:59:59.999Z');
    return deps.repos.upserts.history(request.params.id, {
      order: query.data.order ?? 'ASC',
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
    });
  });

  app.patch('/api/v1/upsert-history', async (request) => {
    const body = deleteBody.safeParse(request.body ?? {});
    if (!body.success) throw new AppError('VALIDATION_FAILED', 400, zodMessage(body.error));
    const ids = [...new Set(body.data.ids)];
    if (ids.length === 0) throw new AppError('VALIDATION_FAILED', 400, 'ids: at least one upsert history id is required');
    const missing = await deps.repos.upserts.deleteHistory(ids);
    if (missing.length > 0) throw new AppError('NOT_FOUND', 404, `Upsert history not found: ${missing.join(', ')}`);
    return { deleted: ids.length };
  });
}
