import { AppError } from '../shared/app-error.js';

/** A chatflow graph that cannot run; the message names the node and the reason (api-contract §8.2). */
export class FlowValidationError extends AppError {
  constructor(message: string, readonly nodeId?: string) {
    super('INVALID_FLOW', 400, message);
    this.name = 'FlowValidationError';
  }
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
