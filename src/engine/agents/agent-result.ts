import type { FlowResult } from '../events/run-event.js';
import type { RunContext } from '../nodes/node-definition.js';
import type { AgentOutcome } from './tool-calling-loop.js';

/**
 * An agent's answer as Flowise returns it: `{text}`, plus `usedTools`, `sourceDocuments` and
 * `artifacts` when there are any. A streaming run also gets them as SSE events after the answer's
 * tokens (api-contract.md §5), in Flowise's order.
 */
export function agentResult(outcome: AgentOutcome, ctx: RunContext, streaming: boolean): FlowResult {
  const result: FlowResult = { text: outcome.text };
  if (outcome.sourceDocuments.length > 0) result.sourceDocuments = outcome.sourceDocuments;
  if (outcome.usedTools.length > 0) result.usedTools = outcome.usedTools;
  if (outcome.artifacts.length > 0) result.artifacts = outcome.artifacts;
  if (streaming) {
    if (result.sourceDocuments) ctx.sink.emit({ event: 'sourceDocuments', data: result.sourceDocuments });
    if (result.usedTools) ctx.sink.emit({ event: 'usedTools', data: result.usedTools });
    if (result.artifacts) ctx.sink.emit({ event: 'artifacts', data: result.artifacts });
  }
  return result;
}
