import type { FlowResult, NodeTraceEntry, RunEvent } from '../engine/events/run-event.js';
import type { RunRecord } from '../storage/repositories/run-repository.js';
import { runMetadata } from './prediction-response.js';
import { type StoredEvent, serializeEvent } from './run-events.js';

function flowResultOf(stored: unknown): FlowResult {
  const source = (stored ?? {}) as Record<string, unknown>;
  const result: FlowResult = {};
  if (typeof source.text === 'string') result.text = source.text;
  if (source.json !== undefined) result.json = source.json;
  for (const key of ['usedTools', 'sourceDocuments', 'artifacts'] as const) {
    if (Array.isArray(source[key])) result[key] = source[key] as unknown[];
  }
  return result;
}

/**
 * The terminal events of a finished run, rebuilt from its database row: used when its live events
 * are gone (expired, or held by a process that restarted). Tokens are not kept in the database.
 */
export function eventsFromRecord(run: RunRecord): StoredEvent[] {
  // The final trace entries, as the live stream carried them before its terminal events.
  const events: RunEvent[] = (run.trace ?? []).map((entry) => ({ event: 'node', data: entry as NodeTraceEntry }));
  if (run.status === 'completed') {
    const memoryType = (run.result as { memoryType?: unknown } | undefined)?.memoryType;
    const result = flowResultOf(run.result);
    // A streamed run sent its source documents after the tokens; the rebuilt stream keeps them.
    if (run.streaming && result.sourceDocuments) events.push({ event: 'sourceDocuments', data: result.sourceDocuments });
    events.push({ event: 'result', data: result });
    events.push({ event: 'metadata', data: runMetadata(run, typeof memoryType === 'string' ? memoryType : undefined) });
  } else if (run.status === 'aborted') {
    events.push({ event: 'abort', data: '[DONE]' });
  } else if (run.status === 'failed') {
    const code = run.error?.startsWith('Prediction timed out') ? 'PREDICTION_TIMEOUT' : undefined;
    events.push({ event: 'error', data: run.error ?? 'Run failed', ...(code ? { code } : {}) });
  } else {
    return [];
  }
  events.push({ event: 'end', data: '[DONE]' });
  return events.map((event, index) => serializeEvent(index + 1, event));
}
