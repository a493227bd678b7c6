import type { StructuredToolInterface } from '@langchain/core/tools';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { FlowResult } from '../events/run-event.js';
import type { RunContext } from '../nodes/node-definition.js';

/**
 * The tool abstraction agents run. A tool node builds a LangChain `StructuredTool` (any subclass:
 * `Tool`, `DynamicStructuredTool`, …): agents bind it to the model with its name, description and
 * schema, and call `invoke(args, config)` where `config` carries the run's AbortSignal (`signal`) and the
 * flow context below (`configurable.flow`). A tool should pass `config.signal` to whatever it waits on;
 * the agent also stops waiting when the signal fires. `returnDirect: true` makes its output the answer.
 *
 * A tool may append Flowise's payload markers to its string output (retrieverTool appends its source
 * documents): the agent cuts them off, keeps the text before them as the observation, and collects
 * the JSON after them into the run's `sourceDocuments` / `artifacts` (Flowise's AgentExecutor does so).
 */
export type AgentTool = StructuredToolInterface;

/** Output marker: `<text>` + SOURCE_DOCUMENTS_PREFIX + JSON array of `{pageContent, metadata}`. */
export const SOURCE_DOCUMENTS_PREFIX = '\n\n----FLOWISE_SOURCE_DOCUMENTS----\n\n';
/** Output marker: `<text>` + ARTIFACTS_PREFIX + JSON array of `{type, data}`. */
export const ARTIFACTS_PREFIX = '\n\n----FLOWISE_ARTIFACTS----\n\n';
/** Output marker: `<text>` + TOOL_ARGS_PREFIX + JSON of the arguments the tool really used (shown in usedTools). */
export const TOOL_ARGS_PREFIX = '\n\n----FLOWISE_TOOL_ARGS----\n\n';

/** What a tool may know about the run that calls it (Flowise's `$flow`). */
export interface ToolFlowContext {
  chatflowId: string;
  chatId: string;
  sessionId: string;
  /** The user's question of this run. */
  input: string;
  /** The run itself, for tools that run nodes (chainTool); never serialise it. */
  run: RunContext;
}

/** The RunnableConfig an agent passes to `tool.invoke`: the run's signal and the flow context. */
export function toolCallConfig(ctx: RunContext): RunnableConfig {
  const flow: ToolFlowContext = {
    chatflowId: ctx.chatflowId,
    chatId: ctx.chatId,
    sessionId: ctx.sessionId,
    input: ctx.question,
    run: ctx,
  };
  return { signal: ctx.signal, configurable: { flow } };
}

/** The flow context from a tool's `_call` config; undefined when the tool is called outside an agent. */
export function flowContextOf(config: RunnableConfig | undefined): ToolFlowContext | undefined {
  const flow = (config?.configurable as { flow?: unknown } | undefined)?.flow;
  return flow && typeof flow === 'object' ? (flow as ToolFlowContext) : undefined;
}

/** A built tool node's instance (duck-typed so this check loads no LangChain). */
export function isAgentTool(value: unknown): value is AgentTool {
  if (typeof value !== 'object' || value === null) return false;
  const tool = value as Record<string, unknown>;
  return typeof tool.name === 'string' && typeof tool.description === 'string' && typeof tool.invoke === 'function';
}

/** A `tools` list input: references resolve to instances, possibly nested arrays (toolkits); flattened. */
export function flattenTools(value: unknown): unknown[] {
  if (!Array.isArray(value)) return value === undefined || value === null || value === '' ? [] : [value];
  return value.flatMap((item) => flattenTools(item));
}

/** Tool nodes' base classes (what agents' `tools` anchor, typed `Tool`, accepts). */
export const TOOL_BASE_CLASSES = ['Tool', 'StructuredTool', 'Runnable'];

/**
 * A chain node's instance that can run with any question, for chainTool: llmChain and
 * conversationChain implement it (retrieval chains should too). It never streams.
 */
export interface InvokableChain {
  invokeChain(question: string, ctx: RunContext): Promise<FlowResult>;
}

export function isInvokableChain(value: unknown): value is InvokableChain {
  return typeof value === 'object' && value !== null && typeof (value as { invokeChain?: unknown }).invokeChain === 'function';
}
