import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runInputSchema } from '../../runner/run-input.js';
import { AppError, notFound } from '../../shared/app-error.js';
import type { RunRecord } from '../../storage/repositories/run-repository.js';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { ChatflowCache } from '../services/chatflow-cache.js';
import type { PredictionService } from '../services/prediction-service.js';
import { streamRun } from './prediction-reply.js';
import { wantsTrace } from '../sse/trace-opt-in.js';

type RunParams = { runId: string };

/** Milliseconds from one ISO date to another, or null when either is missing. */
function msBetween(from: string | undefined, to: string | undefined): number | null {
  return from && to ? Date.parse(to) - Date.parse(from) : null;
}

/**
 * The run as `GET /api/v1/runs/:runId` shows it (api-contract.md §8.5), plus what the executions page
 * reads: the session, the question, when the last attempt started, and two durations in ms (queue wait:
 * created → started, which after a worker restart includes the earlier attempts; run time: started →
 * finished; null until known).
 */
export function runView(run: RunRecord) {
  return {
    runId: run.id,
    chatflowId: run.chatflowId,
    chatId: run.chatId,
    sessionId: run.sessionId,
    status: run.status,
    attempt: run.attempt,
    question: runInputSchema.safeParse(run.input).data?.question ?? null,
    result: run.result ?? null,
    error: run.error ?? null,
    errorCode: run.errorCode ?? null,
    errorNodeId: run.errorNodeId ?? null,
    createdDate: run.createdDate,
    startedDate: run.startedDate ?? null,
    finishedDate: run.finishedDate ?? null,
    queueWaitMs: msBetween(run.createdDate, run.startedDate),
    runTimeMs: msBetween(run.startedDate, run.finishedDate),
    /** NodeTraceEntry[] (engine/events/run-event.ts): the nodes that ran, in start order. */
    trace: run.trace ?? [],
  };
}

function lastEventId(request: FastifyRequest<{ Querystring: { lastEventId?: string } }>): number {
  const raw = request.headers['last-event-id'] ?? request.query.lastEventId;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text === '') return 0;
  const id = Number(text);
  if (!Number.isInteger(id) || id < 0) throw new AppError('VALIDATION_FAILED', 400, 'Last-Event-ID must be a non-negative integer');
  return id;
}

/** Asynchronous runs, run status, event replay and per-run abort. */
export async function runRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  predictions: PredictionService,
  auth: Authenticator,
  chatflows: ChatflowCache,
): Promise<void> {
  const log = deps.logger.child({ module: 'runs' });

  const loadRun = async (request: FastifyRequest<{ Params: RunParams }>): Promise<RunRecord> => {
    const run = await deps.repos.runs.get(request.params.runId);
    if (!run) throw notFound('RUN_NOT_FOUND', 'Run', request.params.runId);
    await auth.requireRunAccess(await chatflows.get(run.chatflowId), request);
    return run;
  };

  app.post<{ Querystring: { chatflowId?: string } }>('/api/v1/runs', async (request, reply) => {
    const body = (request.body ?? {}) as { chatflowId?: unknown };
    const chatflowId = typeof body.chatflowId === 'string' ? body.chatflowId : request.query.chatflowId;
    if (!chatflowId) throw new AppError('VALIDATION_FAILED', 400, 'chatflowId: is required (in the body or the query)');
    const header = request.headers['idempotency-key'];
    const idempotencyKey = (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
    if (idempotencyKey && idempotencyKey.length > 200) {
      throw new AppError('VALIDATION_FAILED', 400, 'Idempotency-Key must be at most 200 characters');
    }
    const prepared = await predictions.prepare(chatflowId, request.body, request, {
      detachable: false,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    const { run, created } = await deps.runner.start(prepared.request);
    return reply
      .code(created ? 202 : 200)
      .header('Location', `/api/v1/runs/${run.id}`)
      .header('X-Run-Id', run.id)
      .send({ runId: run.id, status: run.status });
  });

  app.get<{ Params: RunParams }>('/api/v1/runs/:runId', async (request) => runView(await loadRun(request)));

  app.get<{ Params: RunParams; Querystring: { lastEventId?: string } }>('/api/v1/runs/:runId/events', async (request, reply) => {
    const afterId = lastEventId(request);
    const trace = wantsTrace(request);
    const run = await loadRun(request);
    const question = runInputSchema.safeParse(run.input).data?.question;
    await streamRun(reply, deps, run, question, afterId, { logger: log, trace });
    return reply;
  });

  app.post<{ Params: RunParams }>('/api/v1/runs/:runId/abort', async (request) => {
    const run = await loadRun(request);
    const aborted = await deps.runner.abort(run.id);
    return { runId: run.id, aborted };
  });
}
