import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { PredictionService } from '../services/prediction-service.js';
import { readMultipart } from '../uploads/read-multipart.js';
import type { IncomingFile } from '../uploads/upload-service.js';
import { sendOutcome, streamRun } from './prediction-reply.js';
import { wantsTrace } from '../sse/trace-opt-in.js';

/** Multipart predictions: form fields become the body (objects arrive as JSON strings), `files` the uploads. */
async function readBody(request: FastifyRequest, deps: AppDeps): Promise<{ body: unknown; files?: IncomingFile[] }> {
  if (!request.isMultipart()) return { body: request.body };
  const { fields, files } = await readMultipart(request, deps.config.uploads, deps.config.server.bodyLimitBytes);
  return { body: fields, files };
}

/**
 * `POST /api/v1/prediction/:id`: JSON answer, or an SSE stream when the request and the flow stream.
 * `POST /api/v1/internal-prediction/:id` (Flowise's name): the same for the web UI's test chat, admin only
 * (session, admin key, Basic), stored as chatType INTERNAL and exempt from the chatflow's rate limit and
 * allowed domains.
 */
export async function predictionRoutes(app: FastifyInstance, deps: AppDeps, predictions: PredictionService, auth: Authenticator): Promise<void> {
  const log = deps.logger.child({ module: 'prediction' });

  for (const internal of [false, true]) {
    app.post<{ Params: { id: string } }>(internal ? '/api/v1/internal-prediction/:id' : '/api/v1/prediction/:id', async (request, reply) => {
      if (internal) await auth.requireBuilder(request);
      const trace = wantsTrace(request);
      const { body, files } = await readBody(request, deps);
      const prepared = await predictions.prepare(request.params.id, body, request, { detachable: true, files, internal });
      const { run } = await deps.runner.start({ ...prepared.request, watch: true });
      const memoryType = prepared.plan.memoryNode?.label;
      if (prepared.request.streaming) {
        await streamRun(reply, deps, run, prepared.question, 0, { logger: log, trace });
        return reply;
      }
      const outcome = await deps.runner.outcome(run);
      return sendOutcome(reply, run, outcome, prepared.question, memoryType);
    });
  }
}
