import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ChatTurn } from '../nodes/node-definition.js';
import type { PromptInstance } from '../nodes/prompt-instances.js';
import { renderTemplate } from './template.js';

export function turnsToMessages(turns: ChatTurn[]): BaseMessage[] {
  return turns.map((turn) => (turn.role === 'userMessage' ? new HumanMessage(turn.content) : new AIMessage(turn.content)));
}

/** A formatted prompt as chat messages: a string prompt becomes one human message, as in LangChain. */
export function promptToMessages(prompt: PromptInstance, values: Record<string, unknown>): BaseMessage[] {
  if (prompt.kind === 'string') return [new HumanMessage(renderTemplate(prompt.template, values))];
  const messages: BaseMessage[] = [];
  const system = renderTemplate(prompt.system, values);
  if (system !== '') messages.push(new SystemMessage(system));
  messages.push(new HumanMessage(renderTemplate(prompt.human, values)));
  return messages;
}
