import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { FlowValidationError } from '../errors.js';
import type { MemoryInstance } from '../nodes/memory-instance.js';
import type { RunContext } from '../nodes/node-definition.js';
import { isPromptInstance } from '../nodes/prompt-instances.js';
import { messageClasses, turnsToMessages } from './messages.js';
import { type ParsedTemplate, parseTemplate, renderTemplate } from './template.js';

/**
 * The prompt of chains and agents that talk with memory (conversationChain, toolAgent):
 * `[system, …history, human]`. The human message is `{input}` (the question); a connected chat prompt
 * template replaces both with its own first (system) and last (human) messages and binds its
 * `promptValues` as constants.
 */
export interface ConversationPrompt {
  nodeId: string;
  nodeName: string;
  system: ParsedTemplate;
  human: ParsedTemplate;
  constants: Record<string, unknown>;
}

export function conversationPrompt(nodeId: string, nodeName: string, systemMessage: string, chatPromptTemplate: unknown): ConversationPrompt {
  const prompt: ConversationPrompt = { nodeId, nodeName, system: parseTemplate(systemMessage), human: parseTemplate('{input}'), constants: {} };
  if (isPromptInstance(chatPromptTemplate) && chatPromptTemplate.kind === 'chat') {
    if (!chatPromptTemplate.human.variables.includes('input')) {
      throw new FlowValidationError(`Node ${nodeId} (${nodeName}): the chat prompt template's human message must contain {input}`, nodeId);
    }
    if (chatPromptTemplate.system.parts.length > 0) prompt.system = chatPromptTemplate.system;
    prompt.human = chatPromptTemplate.human;
    prompt.constants = chatPromptTemplate.promptValues;
  }
  return prompt;
}

function render(prompt: ConversationPrompt, template: ParsedTemplate, values: Record<string, unknown>): string {
  const missing = template.variables.filter((name) => values[name] === undefined || values[name] === null);
  if (missing.length > 0) {
    throw new FlowValidationError(
      `Node ${prompt.nodeId} (${prompt.nodeName}): Missing value for input variable ${missing.join(', ')}`,
      prompt.nodeId,
    );
  }
  return renderTemplate(template, values);
}

/** Anthropic takes one system message only, so a memory summary goes to it as a human message. */
function takesOneSystemMessage(model: BaseChatModel | undefined): boolean {
  return typeof model?._llmType === 'function' && model._llmType() === 'anthropic';
}

/** A memory's conversation as messages for `model`: its summary first (summary memories), then turns. */
export async function memoryMessages(memory: MemoryInstance, ctx: RunContext, model?: BaseChatModel): Promise<BaseMessage[]> {
  if (!memory.loadSummarized) return turnsToMessages(await memory.loadTurns(ctx));
  const { summary, turns } = await memory.loadSummarized(ctx);
  const messages = await turnsToMessages(turns);
  if (summary === '') return messages;
  const { HumanMessage, SystemMessage } = await messageClasses();
  const summaryMessage = takesOneSystemMessage(model)
    ? new HumanMessage(`This is a summary of the conversation so far:\n\n${summary}`)
    : new SystemMessage(summary);
  return [summaryMessage, ...messages];
}

/** `[system, …history, human]` with the question as `{input}`; an empty system message is left out. */
export async function renderConversation(prompt: ConversationPrompt, history: BaseMessage[], question: string): Promise<BaseMessage[]> {
  const { HumanMessage, SystemMessage } = await messageClasses();
  const values = { ...prompt.constants, input: question };
  const system = render(prompt, prompt.system, values);
  return [...(system !== '' ? [new SystemMessage(system)] : []), ...history, new HumanMessage(render(prompt, prompt.human, values))];
}
