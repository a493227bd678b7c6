import type { FlowResult } from '../engine/events/run-event.js';
import { type ErrorCode, isErrorCode } from '../shared/app-error.js';
import type { RunOutcome } from './flow-runner.js';
import type { StoredEvent } from './run-events.js';

/**
 * Reads a run's outcome from its event stream: `result` carries the answer, `error` and `abort` the
 * failure. Both runners use it, so JSON answers come from exactly what a streaming client would see.
 */
export async function outcomeFromEvents(events: AsyncIterable<StoredEvent>): Promise<RunOutcome | undefined> {
  let result: FlowResult | undefined;
  for await (const event of events) {
    if (event.name === 'result') {
      result = (JSON.parse(event.json) as { data: FlowResult }).data;
    } else if (event.name === 'error') {
      const parsed = JSON.parse(event.json) as { data: string; code?: unknown; nodeId?: unknown };
      const code: ErrorCode = isErrorCode(parsed.code) ? parsed.code : 'INTERNAL';
      const nodeId = typeof parsed.nodeId === 'string' ? parsed.nodeId : undefined;
      return { status: 'failed', error: parsed.data, code, ...(nodeId ? { nodeId } : {}) };
    } else if (event.name === 'abort') {
      return { status: 'aborted', error: 'Run aborted' };
    } else if (event.name === 'end') {
      return result ? { status: 'completed', result } : undefined;
    }
  }
  return result ? { status: 'completed', result } : undefined;
}
