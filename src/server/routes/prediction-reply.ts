import type { FastifyReply } from 'fastify';
import type { FlowRunner, RunOutcome } from '../../runner/flow-runner.js';
import { predictionResponse } from '../../runner/prediction-response.js';
import { INTERNAL_EVENTS, UNTRACED_HIDDEN_EVENTS } from '../../runner/run-events.js';
import { ERROR_STATUS } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics.js';
import { ACTIVE_STATUSES, type RunRecord, type RunRepository } from '../../storage/repositories/run-repository.js';
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

/** Opens the SSE response of a run and relays its events from `afterId` until `end`. */
export async function streamRun(
  reply: FastifyReply,
  runner: FlowRunner,
  run: RunRecord,
  question: string | undefined,
  afterId: number,
  options: {
    heartbeatIntervalMs: number;
    logger: Logger;
    metrics: Metrics;
    runs: RunRepository;
    /** The client asked for the per-node trace (`node` events). */
    trace: boolean;
  },
): Promise<void> {
  const stream = new SseStream(
    reply,
    { 'X-Run-Id': run.id },
    options.heartbeatIntervalMs,
    (data) => {
      if (question !== undefined) data.question = question;
    },
    options.metrics.activeStreams,
    options.trace ? INTERNAL_EVENTS : UNTRACED_HIDDEN_EVENTS,
  );
  await relayRun(stream, runner, run.id, afterId, {
    detachAbort: run.detachable,
    logger: options.logger,
    runEnded: async () => {
      const current = await options.runs.get(run.id);
      return current !== undefined && !ACTIVE_STATUSES.includes(current.status);
    },
  });
}
