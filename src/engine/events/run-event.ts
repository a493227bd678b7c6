import type { ErrorCode } from '../../shared/app-error.js';

/**
 * The events a run produces, one discriminated union. Names and `data` shapes are those of the
 * Flowise SSE contract (api-contract.md §5) plus `restart` (§8.6), the internal `result`, which
 * carries the final answer to whoever waits for a JSON response and is never written to an SSE stream,
 * and `node` (per-node trace), which SSE streams carry only when the client asks for it.
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
}

/** A tool an agent node called during the run, as the agent saw it (the output is the observation). */
export interface NodeToolCall {
  tool: string;
  toolInput: unknown;
  toolOutput: unknown;
}

/**
 * One node's part in a run (the `node` event's data, and an entry of a run's stored `trace`). A node
 * gets one entry with status `running` when it starts (its build, or its first call) and one final
 * entry when the run ends. `durationMs` is the node's own time: its build plus the calls made on what it
 * built (LLM calls, tool runs, retrievals, embeddings), minus the time of other nodes' calls it waited
 * on, so the node that made an answer slow has the largest duration.
 */
export interface NodeTraceEntry {
  /** flowData node id, `data.label`, `data.name`. */
  nodeId: string;
  label: string;
  name: string;
  status: 'running' | 'completed' | 'failed' | 'aborted';
  /** ISO-8601 UTC time the node started. */
  startedAt: string;
  /** Milliseconds; set when status is not `running`. */
  durationMs?: number;
  error?: string;
  /** Agents: the tools this node called, in call order. */
  toolCalls?: NodeToolCall[];
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
  | { event: 'node'; data: NodeTraceEntry }
  | { event: 'error'; data: string; code?: ErrorCode; nodeId?: string }
  | { event: 'abort'; data: '[DONE]' }
  | { event: 'end'; data: '[DONE]' };

export type RunEventName = RunEvent['event'];

/** Receives a run's events in order. The engine never awaits a sink: emitting must be cheap. */
export interface RunEventSink {
  emit(event: RunEvent): void;
}
