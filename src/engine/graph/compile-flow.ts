import type { NodeRegistry } from '../nodes/node-registry.js';
import { asString } from '../nodes/input-values.js';
import { parseFlowData } from './flow-definition.js';
import type { FlowPlan } from './flow-plan.js';
import { resolveGraph } from './resolve-graph.js';

/** Parses and validates a stored `flowData` string into a runnable plan (throws FlowValidationError). */
export function compileFlow(flowData: string, registry: NodeRegistry): FlowPlan {
  return resolveGraph(parseFlowData(flowData), registry);
}

/** §2.6: whether a prediction streams, given the plan, chatbotConfig's post-processing and the request. */
export function shouldStream(plan: FlowPlan, postProcessing: boolean, requested: unknown): boolean {
  if (requested !== true && requested !== 'true') return false;
  return isFlowStreamable(plan, postProcessing);
}

/** The chatflows-streaming answer: true exactly when a streaming request would get SSE. */
export function isFlowStreamable(plan: FlowPlan, postProcessing: boolean): boolean {
  return plan.streamCapable && !postProcessing;
}

/**
 * §2.4: `overrideConfig.sessionId`, else the request's chatId, else the memory node's `sessionId`
 * input, else the run's chatId.
 */
export function resolveSessionId(
  plan: FlowPlan,
  request: { overrideSessionId?: string; requestChatId?: string; runChatId: string },
): string {
  return (
    request.overrideSessionId ??
    request.requestChatId ??
    (plan.memoryNode ? asString(plan.memoryNode.inputs.sessionId) : undefined) ??
    request.runChatId
  );
}
