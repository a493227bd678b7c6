import type { FlowResult, RunMetadata } from '../engine/events/run-event.js';

/** The run fields the client-facing answer echoes. */
export interface RunIdentity {
  id: string;
  chatId: string;
  sessionId: string;
  apiMessageId: string;
}

/** The non-streaming prediction body (api-contract.md §3), also stored as the run's `result`. */
export function predictionResponse(
  run: RunIdentity,
  question: string,
  result: FlowResult,
  memoryType: string | undefined,
): Record<string, unknown> {
  return {
    ...result,
    question,
    chatId: run.chatId,
    chatMessageId: run.apiMessageId,
    sessionId: run.sessionId,
    ...(memoryType ? { memoryType } : {}),
    runId: run.id,
  };
}

/** The SSE `metadata` event, without `question` (which never goes to Redis; relays add it). */
export function runMetadata(run: RunIdentity, memoryType: string | undefined, followUpPrompts?: string): RunMetadata {
  return {
    chatId: run.chatId,
    chatMessageId: run.apiMessageId,
    sessionId: run.sessionId,
    ...(memoryType ? { memoryType } : {}),
    ...(followUpPrompts ? { followUpPrompts } : {}),
    runId: run.id,
  };
}

/** What the apiMessage row stores for a result: its text, or a `{json}` result as a json fence (§2.4). */
export function answerContent(result: FlowResult): string {
  if (typeof result.text === 'string') return result.text;
  if (result.json !== undefined) return '```json\n' + JSON.stringify(result.json, null, 2);
  return '';
}
