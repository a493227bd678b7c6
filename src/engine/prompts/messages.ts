import type { BaseMessage } from '@langchain/core/messages';
import type { ChatTurn } from '../nodes/node-definition.js';
import type { PromptInstance } from '../nodes/prompt-instances.js';
import { renderTemplate } from './template.js';

type MessageClasses = typeof import('@langchain/core/messages');

let classes: Promise<MessageClasses> | undefined;

/**
 * LangChain is loaded when a flow first runs, not at start-up: a queue-mode server never runs flows
 * and does not pay its memory or load time.
 */
export function messageClasses(): Promise<MessageClasses> {
  classes ??= import('@langchain/core/messages');
  return classes;
}

export async function turnsToMessages(turns: ChatTurn[]): Promise<BaseMessage[]> {
  const { AIMessage, HumanMessage } = await messageClasses();
  return turns.map((turn) => (turn.role === 'userMessage' ? new HumanMessage(turn.content) : new AIMessage(turn.content)));
}

/** A formatted prompt as chat messages: a string prompt becomes one human message, as in LangChain. */
export async function promptToMessages(prompt: PromptInstance, values: Record<string, unknown>): Promise<BaseMessage[]> {
  const { HumanMessage, SystemMessage } = await messageClasses();
  if (prompt.kind === 'string') return [new HumanMessage(renderTemplate(prompt.template, values))];
  const messages: BaseMessage[] = [];
  const system = renderTemplate(prompt.system, values);
  if (system !== '') messages.push(new SystemMessage(system));
  messages.push(new HumanMessage(renderTemplate(prompt.human, values)));
  return messages;
}
