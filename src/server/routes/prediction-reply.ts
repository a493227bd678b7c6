import type { FastifyReply } from 'fastify';
import type { RunOutcome } from '../../runner/flow-runner.js';
import { predictionResponse } from '../../runner/prediction-response.js';
import { INTERNAL_EVENTS, UNTRACED_HIDDEN_EVENTS } from '../../runner/run-events.js';
import { ERROR_STATUS } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import { ACTIVE_STATUSES, type RunRecord } from '../../storage/repositories/run-repository.js';
import type { AppDeps } from '../app-deps.js';
import { sendError } from '../plugins/error-handler.js';
import { SseStream } from '../sse/sse-stream.js';
import { relayRun } from '../sse/relay-run.js';

/** Answers a JSON prediction from the run's outcome: the §3 body, or the §8.4 error shape (never `text`). */
export function sendOutcome(
  reply: FastifyReply,
  run: RunRecord,
  outcome: RunOutcome,
  question: string,
  memoryType: string | undefined,
): FastifyReply {
  reply.header('X-Run-Id', run.id);
  if (outcome.status === 'completed') return reply.send(predictionResponse(run, question, outcome.result, memoryType));
  if (outcome.status === 'aborted') return sendError(reply, ERROR_STATUS.RUN_ABORTED, 'RUN_ABORTED', outcome.error);
  return sendError(reply, ERROR_STATUS[outcome.code], outcome.code, outcome.error, outcome.nodeId);
}

/** What relaying a run needs from the app: the runner, the run rows, the heartbeat, the stream gauge. */
export type StreamDeps = Pick<AppDeps, 'runner' | 'repos' | 'metrics'> & { config: { server: { heartbeatIntervalMs: number } } };

/**
 * Opens the SSE response of a run and relays its events from `afterId` until `end`; `trace`: the client
 * asked for the per-node trace (`node` events).
 */
export async function streamRun(
  reply: FastifyReply,
  deps: StreamDeps,
  run: RunRecord,
  question: string | undefined,
  afterId: number,
  options: { logger: Logger; trace: boolean },
): Promise<void> {
  const stream = new SseStream(
    reply,
    { 'X-Run-Id': run.id },
    deps.config.server.heartbeatIntervalMs,
    (data) => {
      if (question !== undefined) data.question = question;
    },
    deps.metrics.activeStreams,
    options.trace ? INTERNAL_EVENTS : UNTRACED_HIDDEN_EVENTS,
  );
  await relayRun(stream, deps.runner, run.id, afterId, {
    detachAbort: run.detachable,
    logger: options.logger,
    runEnded: async () => {
      const current = await deps.repos.runs.get(run.id);
      return current !== undefined && !ACTIVE_STATUSES.includes(current.status);
    },
  });
}
