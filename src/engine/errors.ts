import { AppError, type ErrorCode, isAppError } from '../shared/app-error.js';

/** A chatflow graph that cannot run; the message names the node and the reason (api-contract §8.2). */
export class FlowValidationError extends AppError {
  constructor(message: string, nodeId?: string) {
    super('INVALID_FLOW', 400, message, nodeId ? { nodeId } : undefined);
    this.name = 'FlowValidationError';
  }
}

/** Failures of the run as a whole (its deadline, an abort, the infrastructure), never of one node. */
const NOT_ABOUT_A_NODE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RUN_ABORTED',
  'PREDICTION_TIMEOUT',
  'DATABASE_UNAVAILABLE',
  'QUEUE_UNAVAILABLE',
  'SHUTTING_DOWN',
  'INTERNAL',
]);

/**
 * Names the node an error arose in (building or running it), unless the error names one already or is
 * about the run as a whole. The error event and the error body then carry it as `nodeId`.
 */
export function attributeToNode(error: unknown, nodeId: string): void {
  if (isAppError(error) && error.nodeId === undefined && !NOT_ABOUT_A_NODE.has(error.code)) error.nodeId = nodeId;
}

/** The LLM provider failed (bad key, rate limit, 5xx, timeout, refused connection). */
export class LlmCallError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LLM_ERROR', 502, message, options);
    this.name = 'LlmCallError';
  }
}

export class RunAbortedError extends AppError {
  constructor(message = 'Run aborted') {
    super('RUN_ABORTED', 409, message);
    this.name = 'RunAbortedError';
  }
}

export class RunTimeoutError extends AppError {
  constructor(timeoutMs: number) {
    super('PREDICTION_TIMEOUT', 504, `Prediction timed out after ${timeoutMs} ms`);
    this.name = 'RunTimeoutError';
  }
}
