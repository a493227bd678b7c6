import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessage, AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { FlowValidationError } from '../errors.js';
import type { RunContext } from '../nodes/node-definition.js';
import { messageClasses } from '../prompts/messages.js';
import { contentText, toLlmError } from '../run/call-model.js';
import { withLlmRetries } from '../run/llm-retry.js';
import { traced } from '../run/node-tracer.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { AnswerStream } from './answer-stream.js';
import { type CallOutcome, type UsedTool, executeToolCall, toolsByName } from './tool-execution.js';

/** Flowise's default and its answer when the loop runs out of iterations. */
export const DEFAULT_MAX_ITERATIONS = 15;
export const ITERATION_LIMIT_ANSWER = 'Agent stopped due to iteration limit or time limit.';

/** What an agent run collected. */
export interface AgentOutcome {
  text: string;
  usedTools: UsedTool[];
  sourceDocuments: unknown[];
  artifacts: unknown[];
}

export interface ToolLoopInput {
  nodeId: string;
  model: BaseChatModel;
  tools: readonly AgentTool[];
  /** The prompt: system, history, the question. The loop appends the tool-call scratchpad. */
  messages: BaseMessage[];
  maxIterations: number;
  ctx: RunContext;
  /** Stream the answer's tokens (only text; tool-call chunks never become tokens). */
  stream: boolean;
}

type ToolBoundModel = Runnable<BaseMessage[], AIMessageChunk>;

function bindTools(input: ToolLoopInput): ToolBoundModel {
  if (typeof input.model.bindTools !== 'function') {
    throw new FlowValidationError(
      `Node ${input.nodeId}: This agent requires that the "bindTools()" method be implemented on the input model.`,
      input.nodeId,
    );
  }
  return input.model.bindTools([...input.tools]) as ToolBoundModel;
}

/**
 * One model turn, retried as `withLlmRetries` says while none of its text has reached the answer.
 * Streaming: text pieces go to the answer as they come; chunks are merged for tool calls.
 */
async function modelTurn(model: ToolBoundModel, messages: BaseMessage[], ctx: RunContext, answer: AnswerStream, stream: boolean): Promise<AIMessage> {
  ctx.signal.throwIfAborted();
  let shown = false;
  const show = (piece: string) => {
    if (piece !== '') shown = true;
    answer.push(piece);
  };
  const attempt = async (): Promise<AIMessage> => {
    if (!stream) {
      const reply = await model.invoke(messages, { signal: ctx.signal });
      show(contentText(reply.content));
      return reply;
    }
    let merged: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(messages, { signal: ctx.signal })) {
      merged = merged ? merged.concat(chunk) : chunk;
      show(contentText(chunk.content));
    }
    if (!merged) throw new Error('the model sent an empty stream');
    return merged;
  };
  try {
    return await withLlmRetries(attempt, { maxRetries: ctx.services.llm.maxRetries, signal: ctx.signal, retryable: () => !shown });
  } catch (error) {
    throw toLlmError(error, ctx.signal);
  }
}

/**
 * The tool-calling agent loop (what Flowise's toolAgent runs through LangChain's AgentExecutor), on
 * @langchain/core alone: the model, bound to the tools, answers or asks for tool calls; the calls run in
 * parallel and their results go back as ToolMessages; repeat up to `maxIterations` model turns. A
 * `returnDirect` tool (the last call of a turn) ends the run with its output as the answer.
 *
 * Text the model writes next to tool calls is part of the answer (streamed as it comes, and kept in the
 * text, so the tokens always add up to the stored answer), set apart from later turns' text by a blank
 * line; tool-call chunks never are.
 */
export async function runToolCallingLoop(input: ToolLoopInput): Promise<AgentOutcome> {
  const { ctx } = input;
  const model = bindTools(input);
  const tools = toolsByName(input.tools);
  const answer = new AnswerStream(ctx, input.stream);
  const { ToolMessage } = await messageClasses();
  const scratchpad: BaseMessage[] = [];
  const usedTools: UsedTool[] = [];
  const sourceDocuments: unknown[] = [];
  const artifacts: unknown[] = [];
  const outcome = (): AgentOutcome => ({ text: answer.finish(), usedTools, sourceDocuments, artifacts });

  for (let iteration = 0; iteration < input.maxIterations; iteration += 1) {
    answer.nextTurn();
    const reply = await traced(ctx.trace, input.model, () => modelTurn(model, [...input.messages, ...scratchpad], ctx, answer, input.stream));
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return outcome();
    scratchpad.push(reply);
    // The calls run in parallel: each is the agent's child in the trace, not its sibling's.
    const caller = ctx.trace?.current();
    const results: CallOutcome[] = await Promise.all(
      calls.map((call) => executeToolCall({ id: call.id, name: call.name, args: call.args }, tools, ctx, caller)),
    );
    for (const result of results) {
      scratchpad.push(new ToolMessage({ content: result.observation, tool_call_id: result.call.id ?? '', name: result.call.name }));
      if (result.used) usedTools.push(result.used);
      sourceDocuments.push(...result.sourceDocuments);
      artifacts.push(...result.artifacts);
    }
    const last = results[results.length - 1]!;
    if (last.tool?.returnDirect) {
      answer.pushVerbatim(last.observation);
      return outcome();
    }
  }
  answer.pushVerbatim(ITERATION_LIMIT_ANSWER);
  return outcome();
}
