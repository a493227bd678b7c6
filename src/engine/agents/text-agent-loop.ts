import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import type { RunContext } from '../nodes/node-definition.js';
import { callChatModel } from '../run/call-model.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { stripThinking } from './answer-stream.js';
import { ITERATION_LIMIT_ANSWER, type AgentOutcome } from './tool-calling-loop.js';
import { type UsedTool, executeToolCall, toolsByName } from './tool-execution.js';

/** A step of a text agent: what the model wrote, and what the tool answered. */
export interface TextStep {
  log: string;
  observation: string;
}

export type TextDecision = { kind: 'final'; answer: string } | { kind: 'action'; tool: string; input: unknown };

/**
 * A text protocol (ReAct, the conversational agent's JSON blobs): how to build the prompt for the
 * steps so far and how to read the model's reply. Models that call tools in plain text run on it.
 */
export interface TextAgentFormat {
  messages(steps: TextStep[]): Promise<BaseMessage[]>;
  parse(text: string): TextDecision;
  /** Where the model must stop writing (it must not invent the observation). */
  stop: string[];
}

function withStop(model: BaseChatModel, stop: string[]): BaseChatModel {
  return (typeof model.withConfig === 'function' ? model.withConfig({ stop } as never) : model) as BaseChatModel;
}

/**
 * The loop of Flowise's text agents (conversationalAgent, reactAgentChat): ask, read an action or a
 * final answer, run the tool, show the model the observation, up to `maxIterations` turns. These
 * agents never stream (Flowise streams only toolAgent).
 */
export async function runTextAgentLoop(input: {
  model: BaseChatModel;
  tools: readonly AgentTool[];
  format: TextAgentFormat;
  maxIterations: number;
  ctx: RunContext;
}): Promise<AgentOutcome> {
  const { ctx } = input;
  const tools = toolsByName(input.tools);
  const model = withStop(input.model, input.format.stop);
  const steps: TextStep[] = [];
  const usedTools: UsedTool[] = [];
  const sourceDocuments: unknown[] = [];
  const artifacts: unknown[] = [];
  const done = (text: string): AgentOutcome => ({ text: stripThinking(text).trim(), usedTools, sourceDocuments, artifacts });

  for (let iteration = 0; iteration < input.maxIterations; iteration += 1) {
    const text = await callChatModel(model, await input.format.messages(steps), ctx, false);
    const decision = input.format.parse(text);
    if (decision.kind === 'final') return done(decision.answer);
    const result = await executeToolCall({ name: decision.tool, args: decision.input }, tools, ctx);
    if (result.used) usedTools.push(result.used);
    sourceDocuments.push(...result.sourceDocuments);
    artifacts.push(...result.artifacts);
    steps.push({ log: text, observation: result.observation });
    if (result.tool?.returnDirect) return done(result.observation);
  }
  return done(ITERATION_LIMIT_ANSWER);
}

/** `name: description` lines and the comma-separated names, for text prompts. */
export function describeTools(tools: readonly AgentTool[]): { tools: string; toolNames: string } {
  return {
    tools: tools.map((tool) => `${tool.name}: ${tool.description}`).join('\n'),
    toolNames: tools.map((tool) => tool.name).join(', '),
  };
}
