import type { FlowResult } from '../engine/events/run-event.js';
import type { ErrorCode } from '../shared/app-error.js';
import { randomUUID } from 'node:crypto';
import type { NewRun, RunRecord } from '../storage/repositories/run-repository.js';
import type { StoredEvent } from './run-events.js';
import type { RunInput } from './run-input.js';

export interface StartRunRequest {
  chatflowId: string;
  /** The chatflow version the request was validated against (lets executors reuse a cached chatflow). */
  chatflowVersion?: number;
  chatId: string;
  sessionId: string;
  input: RunInput;
  /** The ending node's LLM call streams tokens as events. */
  streaming: boolean;
  /** Abort the run when its streaming client goes away for longer than STREAM_DETACH_GRACE. */
  detachable: boolean;
  idempotencyKey?: string;
  /** The caller reads this run's events right away (lets the queue runner subscribe before enqueueing). */
  watch?: boolean;
}

export interface StartedRun {
  run: RunRecord;
  /** False when an Idempotency-Key matched an existing run (nothing new was started). */
  created: boolean;
}

export type RunOutcome =
  | { status: 'completed'; result: FlowResult }
  | { status: 'failed'; error: string; code: ErrorCode; nodeId?: string }
  | { status: 'aborted'; error: string };

export interface EventReadOptions {
  /** Stops waiting for new events (the reader went away). */
  signal?: AbortSignal;
  /** When this reader leaves before the run ended, start the detach grace (streaming predictions). */
  detachAbort?: boolean;
}

/**
 * Runs predictions: in this process (main mode) or through the queue and workers (queue mode). The
 * server talks only to this interface; one contract test suite runs against both implementations.
 */
export interface FlowRunner {
  /** Stores the run row and starts (or enqueues) it. */
  start(request: StartRunRequest): Promise<StartedRun>;
  /** The run's events after `afterId` (0 = from the start), live until its `end` event. */
  events(runId: string, afterId: number, options?: EventReadOptions): AsyncIterable<StoredEvent>;
  /** Waits for the run to end. Ends with a PREDICTION_TIMEOUT failure when the run outlives its deadline. */
  outcome(run: RunRecord, signal?: AbortSignal): Promise<RunOutcome>;
  /** Aborts a waiting or active run. False when it had already ended or is unknown. */
  abort(runId: string): Promise<boolean>;
  /** Resolves when the runner's backend (Redis in queue mode) is reachable. */
  ping(): Promise<void>;
  /** Stops intake and waits up to `drainMs` for in-flight work. Idempotent. */
  close(drainMs?: number): Promise<void>;
}

/** The run row a request becomes (both runners store it before anything runs). */
export function newRun(request: StartRunRequest, id: string = randomUUID()): NewRun {
  return {
    id,
    apiMessageId: randomUUID(),
    chatflowId: request.chatflowId,
    chatflowVersion: request.chatflowVersion,
    chatId: request.chatId,
    sessionId: request.sessionId,
    input: request.input,
    streaming: request.streaming,
    detachable: request.detachable,
    idempotencyKey: request.idempotencyKey,
  };
}
