import type { ErrorCode } from '../../shared/app-error.js';

/**
 * The events a run produces, one discriminated union. Names and `data` shapes are those of the
 * Flowise SSE contract (api-contract.md §5) plus `restart` (§8.6) and the internal `result`, which
 * carries the final answer to whoever waits for a JSON response and is never written to an SSE stream.
 */

export interface RunMetadata {
  chatId: string;
  chatMessageId: string;
  runId: string;
  sessionId?: string;
  memoryType?: string;
  question?: string;
  followUpPrompts?: string;
  flowVariables?: Record<string, unknown>;
}

/** What a finished run answers (the non-streaming JSON body without the request echo fields). */
export interface FlowResult {
  text?: string;
  json?: unknown;
  usedTools?: unknown[];
  sourceDocuments?: unknown[];
  artifacts?: unknown[];
  /** Questions the user may ask next, a JSON string of `string[]` (the runner adds them after the answer). */
  followUpPrompts?: string;
}

export type RunEvent =
  | { event: 'start'; data: string }
  | { event: 'token'; data: string }
  | { event: 'sourceDocuments'; data: unknown[] }
  | { event: 'usedTools'; data: unknown[] }
  | { event: 'artifacts'; data: unknown[] }
  | { event: 'restart'; data: string }
  | { event: 'result'; data: FlowResult }
  | { event: 'metadata'; data: RunMetadata }
  | { event: 'error'; data: string; code?: ErrorCode; nodeId?: string }
  | { event: 'abort'; data: '[DONE]' }
  | { event: 'end'; data: '[DONE]' };

export type RunEventName = RunEvent['event'];

/** Receives a run's events in order. The engine never awaits a sink: emitting must be cheap. */
export interface RunEventSink {
  emit(event: RunEvent): void;
}
